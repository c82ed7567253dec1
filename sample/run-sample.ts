/**
 * `npm run sample`: the whole product on this machine, no account needed. Starts the embedded
 * local Teracron (the dev ingest and its UI), Redis when `redis-server` is installed (for the
 * BullMQ part), the fraud service and the orders service with the local development key, sends
 * some traffic, waits for the telemetry to arrive and prints what the local Teracron received.
 * Then it keeps the UI open until Ctrl+C; with `--once` (or CI set) it exits.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { formatTraceTree } from '../lib/agent/span-tree-text';
import { startDevServer, type DevServer } from '../lib/agent/dev/dev-server';
import { DEFAULT_DEV_PORT } from '../lib/agent/cli-args';
import { startRedis } from '../test/support/redis';

const ONCE = process.argv.includes('--once') || Boolean(process.env.CI);
const WAIT_MS = 20_000;

async function main(): Promise<void> {
  const dev = await startLocalTeracron();
  console.log(`Local Teracron listening on ${dev.url} (project ${dev.slug}, data in ${dev.dataDir})`);
  const redis = await startRedis().catch((error: Error) => {
    console.log(`Redis not started (${error.message}); settlements run in the request instead of a BullMQ worker.`);
    return undefined;
  });

  process.env.TERACRON_API_KEY = dev.apiKey;
  process.env.TERACRON_DOMAIN = dev.domain;
  if (redis) process.env.REDIS_PORT = String(redis.port);

  // Loaded only now: the modules read TERACRON_* and REDIS_PORT from the environment when they load.
  const { FraudModule } = require('./fraud/fraud.module') as typeof import('./fraud/fraud.module');
  const { AppModule } = require('./app.module') as typeof import('./app.module');
  const fraud = await listen(FraudModule);
  process.env.FRAUD_URL = await fraud.getUrl();
  const orders = await listen(AppModule);
  const ordersUrl = await orders.getUrl();
  console.log(`Orders service on ${ordersUrl}, fraud service on ${process.env.FRAUD_URL}`);

  const before = dev.store.counts();
  await sendTraffic(ordersUrl);
  await waitUntil(() => settledCount(dev) >= 3 && dev.store.counts().spans > before.spans + 15, 'the spans of the sample traffic');

  // Closing the apps runs their final flush, which also sends the last metrics sample.
  await orders.close();
  await fraud.close();
  await waitUntil(() => dev.store.counts().metrics > before.metrics, 'a metrics sample');
  await redis?.stop();

  printSummary(dev, before);
  if (ONCE) {
    await dev.close();
    return;
  }
  console.log(`\nOpen ${dev.url} to browse the traces and memory charts. Ctrl+C to stop.`);
  process.once('SIGINT', () => void dev.close().then(() => process.exit(0)));
}

async function startLocalTeracron(): Promise<DevServer> {
  const dataDir = process.env.TERACRON_DEV_DATA;
  try {
    return await startDevServer({ port: DEFAULT_DEV_PORT, dataDir });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startDevServer({ port: 0, dataDir });
  }
}

async function listen(module: unknown): Promise<INestApplication> {
  // TERACRON_DEBUG=1 shows the module's debug lines (flush outcomes; never keys or data).
  const levels = process.env.TERACRON_DEBUG ? (['debug', 'log', 'warn', 'error'] as const) : (['warn', 'error'] as const);
  const app = await NestFactory.create(module as never, { logger: [...levels] });
  await app.listen(0, '127.0.0.1');
  return app;
}

async function sendTraffic(base: string): Promise<void> {
  const post = (path: string, body?: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const placed: Array<{ id: string }> = [];
  for (const [item, amount] of [['keyboard', 120], ['monitor', 340], ['desk', 560]] as const) {
    const response = await post('/orders', { item, amount, card_number: '4242424242424242' });
    placed.push((await response.json()) as { id: string });
  }
  await fetch(`${base}/orders/${placed[0]!.id}`);
  await fetch(`${base}/orders/ord-missing`);
  await post(`/orders/${placed[1]!.id}/refund`);
  await fetch(`${base}/orders/health/live`);
  console.log(`Sent 3 orders, 2 lookups (one missing), 1 failing refund and 1 excluded health check.`);
}

function settledCount(dev: DevServer): number {
  return dev.store.listTraces(100).filter((trace) => dev.store.getTrace(trace.trace_id)?.spans.some((s) => s.operation === 'PaymentsService.settle')).length;
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`the local Teracron did not receive ${what} within ${WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function printSummary(dev: DevServer, before: { traces: number; spans: number; events: number; metrics: number }): void {
  const now = dev.store.counts();
  console.log(
    `\nReceived by the local Teracron: ${now.traces - before.traces} traces, ${now.spans - before.spans} spans, ${now.events - before.events} events, ${now.metrics - before.metrics} metric samples.`,
  );
  const checkout = dev.store
    .listTraces(100)
    .map((summary) => dev.store.getTrace(summary.trace_id)!)
    .find((trace) => trace.spans.some((s) => s.operation === 'PaymentsService.settle') && trace.spans.some((s) => s.workflow === 'fraud'));
  if (checkout) {
    console.log('\nOne checkout, across the orders service, the fraud service and the settlement worker:');
    for (const line of formatTraceTree(checkout.summary.trace_id, checkout.spans)) console.log(line);
  }
}

main().catch((error: Error) => {
  console.error(`sample failed: ${error.message}`);
  process.exit(1);
});

/**
 * The HTTP comparison: every variant on every Nest set in a fresh app process, alternating
 * within each round, load from a separate autocannon process (10 connections). Reports
 * requests/s, the ratio to bare Nest per round, and app CPU time per request. No CPU pinning
 * unless asked (`--pin`): production apps are not pinned away from their load.
 */
import { fork, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { IngestServer } from '../lib/ingest/ingest-server';
import { encodeApiKey } from '../lib/core/config/api-key';
import { HTTP_VARIANTS, NEST_SETS, type AppMessage, type HttpVariant, type NestSet } from './variants';

export interface HttpBenchSettings {
  rounds: number;
  warmupSeconds: number;
  durationSeconds: number;
  connections: number;
  /** App on one core, load on the other (taskset), as the bench did before; off by default. */
  pin: boolean;
}

export interface HttpSample {
  round: number;
  nest: NestSet;
  /** Nest's version the app reported. */
  nestVersion: string;
  variant: HttpVariant;
  route: '/ping' | '/work';
  requestsPerSecond: number;
  cpuMicrosPerRequest: number;
  /** Event-loop delay p99 of the app during the run, sampled every 1 ms. */
  delayP99Ms: number;
  /** The longest event-loop delay seen during the run. */
  delayMaxMs: number;
  errors: number;
  /** (d) only: spans its client sent, and counted as dropped, during the run. */
  spansSent?: number;
  spansDropped?: number;
}

export interface BenchKeys {
  slug: string;
  publicKeyPem: string;
  privateKeyPem: string;
}

export async function runHttpBench(settings: HttpBenchSettings, keys: BenchKeys, log: (line: string) => void): Promise<HttpSample[]> {
  const ingest = await IngestServer.start({ projects: [{ slug: keys.slug, privateKey: keys.privateKeyPem }], rateLimits: false, maxRecords: 0 });
  const otlpSink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => otlpSink.listen(0, '127.0.0.1', resolve));
  const env = {
    TERACRON_API_KEY: encodeApiKey({ slug: keys.slug, publicKeyPem: keys.publicKeyPem, mode: 'development' }),
    TERACRON_DOMAIN: ingest.domain,
    OTLP_URL: `http://127.0.0.1:${(otlpSink.address() as AddressInfo).port}/v1/traces`,
  };
  const samples: HttpSample[] = [];
  PIN = settings.pin && CAN_PIN;
  // The runner holds the ingest (which decrypts what (d) sends) and the OTLP sink: their work
  // belongs to the load side, not to the core of the app being measured.
  pinSelf(LOAD_CPU);
  try {
    for (let round = 1; round <= settings.rounds; round++) {
      // Rotate the order each round so no variant always runs first or last.
      const order = HTTP_VARIANTS.map((_, i) => HTTP_VARIANTS[(i + round - 1) % HTTP_VARIANTS.length]!);
      for (const nest of round % 2 === 1 ? NEST_SETS : [...NEST_SETS].reverse()) {
        for (const variant of order) {
          const measured = await measureVariant(variant, nest, round, settings, env);
          samples.push(...measured);
          log(`round ${round} nest ${nest} ${variant.padEnd(20)} ${measured.map((s) => `${s.route} ${Math.round(s.requestsPerSecond)} req/s`).join('  ')}`);
        }
      }
    }
  } finally {
    pinSelf(ALL_CPUS);
    await ingest.close();
    otlpSink.close();
  }
  return samples;
}

/**
 * On Linux with two or more cores, the app runs on the last core and the load generator on the
 * first, so neither steals the other's core mid-run: the same for every variant, less noise.
 */
const CAN_PIN = process.platform === 'linux' && os.cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;
let PIN = false;
const APP_CPU = String(os.cpus().length - 1);
const LOAD_CPU = '0';
const ALL_CPUS = `0-${os.cpus().length - 1}`;

function pinSelf(cpus: string): void {
  if (PIN) spawnSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
}

export function pinningNote(): string {
  return PIN ? `pinned (--pin): app pinned to CPU ${APP_CPU}; autocannon, the ingest and the OTLP sink to CPU ${LOAD_CPU} (taskset)` : 'no CPU pinning (as in production; `--pin` pins the app and the load to separate cores)';
}

/** [command, ...args] running `args` on `cpu` when pinning is on. */
function onCpu(cpu: string, args: string[]): [string, string[]] {
  return PIN ? ['taskset', ['-c', cpu, ...args]] : [args[0]!, args.slice(1)];
}

/** Where the Nest 11 set is installed (`npm ci --prefix bench/nest11`, done by run.ts). */
export const NEST11_DIR = path.join(__dirname, '..', '..', 'bench', 'nest11');

async function measureVariant(variant: HttpVariant, nest: NestSet, round: number, settings: HttpBenchSettings, env: Record<string, string>): Promise<HttpSample[]> {
  const app = fork(path.join(__dirname, 'http-app-main.js'), [], {
    env: { ...process.env, ...env, BENCH_VARIANT: variant, ...(nest === '11' ? { BENCH_NEST_DIR: NEST11_DIR } : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(PIN ? { execPath: 'taskset', execArgv: ['-c', APP_CPU, process.execPath] } : {}),
  });
  const messages: AppMessage[] = [];
  const waiters: Array<(m: AppMessage) => void> = [];
  app.on('message', (m: AppMessage) => (waiters.length ? waiters.shift()!(m) : messages.push(m)));
  const next = () => new Promise<AppMessage>((resolve) => (messages.length ? resolve(messages.shift()!) : waiters.push(resolve)));
  const cpu = async () => {
    app.send('cpu');
    return (await next()) as Extract<AppMessage, { type: 'cpu' }>;
  };
  try {
    const ready = (await next()) as Extract<AppMessage, { type: 'ready' }>;
    const base = `http://127.0.0.1:${ready.port}`;
    await autocannon(`${base}/work`, settings.warmupSeconds, settings.connections);
    const samples: HttpSample[] = [];
    for (const route of ['/ping', '/work'] as const) {
      const before = await cpu();
      const result = await autocannon(`${base}${route}`, settings.durationSeconds, settings.connections);
      const after = await cpu();
      const used = after.userMicros + after.systemMicros - (before.userMicros + before.systemMicros);
      samples.push({
        round,
        nest,
        nestVersion: ready.nest,
        variant,
        route,
        requestsPerSecond: result.requests / settings.durationSeconds,
        cpuMicrosPerRequest: result.requests > 0 ? used / result.requests : Number.NaN,
        delayP99Ms: after.delayP99Ms,
        delayMaxMs: after.delayMaxMs,
        errors: result.errors,
        ...(before.spans && after.spans ? { spansSent: after.spans.sent - before.spans.sent, spansDropped: after.spans.dropped - before.spans.dropped } : {}),
      });
    }
    return samples;
  } finally {
    app.send('stop');
    const timer = setTimeout(() => app.kill('SIGKILL'), 5000);
    await once(app, 'exit');
    clearTimeout(timer);
  }
}

/** autocannon in its own process, so the load generator does not share the runner's event loop. */
async function autocannon(url: string, seconds: number, connections: number): Promise<{ requests: number; errors: number }> {
  const bin = require.resolve('autocannon/autocannon.js');
  const [command, args] = onCpu(LOAD_CPU, [process.execPath, bin, '-c', String(connections), '-d', String(seconds), '-j', url]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk));
  await once(child, 'exit');
  const result = JSON.parse(out) as { requests: { total: number }; errors: number; non2xx: number };
  return { requests: result.requests.total, errors: result.errors + result.non2xx };
}

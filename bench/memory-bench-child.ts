/**
 * Run by memory-bench.ts: 1 000 000 @Trace spans with the ingest down (a closed port), every trace
 * kept (`traceAdaptiveSampling: false`), so each span is built and the queue's bound is what holds
 * memory (the default would decide most traces away before building them). Reports RSS after a
 * warm-up and at the end, and what the client dropped.
 */
import { createTeracronClient, TeracronClient } from '../lib/core/client';
import { Trace } from '../lib/tracing/trace.decorator';

class Job {
  @Trace('bench')
  async step(n: number): Promise<number> {
    return n + 1;
  }
}

async function main(): Promise<void> {
  const client = createTeracronClient({ apiKey: process.env.TERACRON_API_KEY, domain: process.env.TERACRON_DOMAIN, traceAdaptiveSampling: false, logger: { debug() {}, warn() {}, error() {} } }, { env: {}, collectMetrics: false });
  client.start();
  const job = new Job();
  const total = Number(process.env.SPANS ?? 1_000_000);
  for (let i = 0; i < 20_000; i++) await job.step(i);
  global.gc?.();
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  for (let i = 0; i < total; i++) {
    await job.step(i);
    if (i % 50_000 === 0) {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  global.gc?.();
  const rssEnd = process.memoryUsage().rss;
  const stats = client.stats().spans;
  await client.stop(500);
  process.send?.({ rssStart, rssEnd, rssPeak: Math.max(rssPeak, rssEnd), inQueue: stats.inQueue, dropped: stats.droppedTotal, enqueued: stats.enqueued });
}

void main();

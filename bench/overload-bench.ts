/**
 * Traffic beyond the ingest's budget (issue 22): requests of a root and three @Trace children,
 * 1 % failing, at 50 × the span budget for a bounded time, against a loopback ingest enforcing
 * the contract's rate limits. Adaptive sampling (the default) against the same client with
 * `traceAdaptiveSampling: false` (the sampling of the build before it: every trace recorded,
 * the queue full; since traces are held until their root ends, a trace without room is dropped
 * whole at its root's end), in the same process, one after the other. Reports CPU per request
 * (user + system, the ingest's share included: it takes at most 30 requests a minute either way)
 * and the fraction of received traces that are complete.
 */
import { createTeracronClient, type TeracronClient } from '../lib/core/client';
import { encodeApiKey } from '../lib/core/config/api-key';
import type { SpanRecord } from '../lib/core/types';
import { IngestServer } from '../lib/ingest/ingest-server';
import { span } from '../lib/tracing/tracer';
import { Trace } from '../lib/tracing/trace.decorator';
import { fixed } from './stats';

const REQUESTS_PER_10_MS = 6.25; // 625 a second × 4 spans = 2 500 spans a second, 50 × 50
const CHILDREN = 3;
const BURST = 20_000;

class Steps {
  @Trace('bench')
  step(n: number): number {
    return n + 1;
  }
}

export interface OverloadVariant {
  name: string;
  requests: number;
  cpuUsPerRequest: number;
  /** Time spent serving the requests themselves (the request path), ns per request. */
  pathNsPerRequest: number;
  /** A burst of BURST requests in one go at the end of the load (warm, at the settled rate), ns per request. */
  burstNsPerRequest: number;
  tracesReceived: number;
  completeFraction: number;
  failedReceived: number;
  failedServed: number;
  estimate: number | null;
  /** Traces the sampler refused for room (the burst outruns the 250 ms controller): counted among the offered, so in the estimate. */
  refusedForRoom: number;
  /** Spans dropped (a full queue, or still queued at stop under the ingest's 30 requests a minute): kept roots among them are missing from the estimate. */
  spansDropped: number;
}

function serve(client: TeracronClient, steps: Steps, fails: boolean): void {
  try {
    span('request', { sink: client, root: true }, () => {
      for (let i = 0; i < CHILDREN; i++) steps.step(i);
      if (fails) throw new Error('failed request');
    });
  } catch {
    // 1 % of requests fail.
  }
}

async function runVariant(name: string, adaptive: boolean, keys: { slug: string; publicKeyPem: string; privateKeyPem: string }, seconds: number): Promise<OverloadVariant> {
  const ingest = await IngestServer.start({ projects: [{ slug: keys.slug, privateKey: keys.privateKeyPem }], rateLimits: {} });
  const apiKey = encodeApiKey({ slug: keys.slug, publicKeyPem: keys.publicKeyPem, mode: 'development' });
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const client = createTeracronClient({ apiKey, domain: ingest.domain, logger: quiet, spool: false, traceAdaptiveSampling: adaptive }, { env: {}, collectMetrics: false });
  const steps = new Steps();
  client.start();
  let requests = 0;
  let failed = 0;
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  let due = 0;
  let pathNs = 0n;
  for (let slice = 0; Date.now() - started < seconds * 1000 && slice < seconds * 1000; slice++) {
    const target = Math.floor(((Date.now() - started) / 10) * REQUESTS_PER_10_MS);
    const sliceStarted = process.hrtime.bigint();
    for (; due < target; due++) {
      const fails = requests++ % 100 === 99;
      if (fails) failed++;
      serve(client, steps, fails);
    }
    pathNs += process.hrtime.bigint() - sliceStarted;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const cpu = process.cpuUsage(cpuBefore);
  const burstStarted = process.hrtime.bigint();
  for (let n = 0; n < BURST; n++) serve(client, steps, false);
  const burstNs = Number(process.hrtime.bigint() - burstStarted) / BURST;
  await client.stop(5_000);
  const refusedForRoom = client.stats().traces.dropped;
  const spansDropped = client.stats().spans.droppedTotal;
  const byTrace = new Map<string, SpanRecord[]>();
  for (const s of ingest.spans()) byTrace.set(s.trace_id, [...(byTrace.get(s.trace_id) ?? []), s]);
  let complete = 0;
  let failedReceived = 0;
  let estimate = 0;
  let rated = 0;
  for (const spans of byTrace.values()) {
    const root = spans.find((s) => s.parent_span_id === null);
    if (root === undefined) continue;
    if (root.status === 'failed') failedReceived++;
    const rate = root.metadata?.sample_rate;
    if (typeof rate === 'number' && rate > 0) {
      estimate += 1 / rate;
      rated++;
    }
    const alone = root.metadata?.['teracron.kept_on_failure'] === true;
    if (spans.every((s) => s === root || s.parent_span_id === root.span_id) && spans.length === (alone ? 1 : CHILDREN + 1)) complete++;
  }
  await ingest.close();
  return {
    name,
    requests,
    cpuUsPerRequest: (cpu.user + cpu.system) / requests,
    pathNsPerRequest: Number(pathNs) / requests,
    burstNsPerRequest: burstNs,
    tracesReceived: byTrace.size,
    completeFraction: byTrace.size === 0 ? 0 : complete / byTrace.size,
    failedReceived,
    failedServed: failed,
    estimate: rated > 0 ? estimate : null,
    refusedForRoom,
    spansDropped,
  };
}

/** Both variants; the markdown section for bench/results.md. */
export async function runOverloadBench(keys: { slug: string; publicKeyPem: string; privateKeyPem: string }, quick: boolean, log: (line: string) => void): Promise<string> {
  const seconds = quick ? 6 : 30;
  log(`overload benchmark (50 × the span budget, ${seconds} s per variant)…`);
  // A, B, A, B: the machine's drift falls on both.
  const variants: OverloadVariant[] = [];
  for (let round = 0; round < 2; round++) {
    variants.push(await runVariant('adaptive sampling (default)', true, keys, seconds / 2));
    variants.push(await runVariant('traceAdaptiveSampling: false', false, keys, seconds / 2));
  }
  const rows = variants.map(
    (v) =>
      `| ${v.name} | ${v.requests} + ${BURST} | ${fixed(v.pathNsPerRequest, 0)} | ${fixed(v.burstNsPerRequest, 0)} | ${fixed(v.cpuUsPerRequest, 1)} | ${v.tracesReceived} | ${fixed(v.completeFraction * 100, 1)} % | ${v.failedReceived} / ${v.failedServed} | ${v.estimate === null ? 'n/a' : fixed(v.estimate, 0)} | ${v.refusedForRoom} | ${v.spansDropped} |`,
  );
  return [
    '',
    `## Overload: 50 × the ingest's span budget for ${seconds} s${quick ? ' (quick)' : ''}`,
    '',
    'Requests of a root and three `@Trace` children, 1 % failing, against a loopback ingest with the contract’s rate limits (30 trace requests a minute), two rounds of each variant in turn. The request path is the time spent in the requests themselves, paced in 10 ms slices; the warm burst is 20 000 requests in one go at the end of the load, at the rate it settled on; process CPU is user + system of the whole process over the load (timers, flushes, the ingest’s decryption). Σ 1 / sample_rate stands for the requests whose kept roots arrived: kept roots still queued when the client stops (the burst queues more than 30 requests a minute can carry) are among the spans dropped, and the requests they stood for are missing from it.',
    '',
    '| variant | requests | request path ns / request | warm burst ns / request | process CPU µs / request | traces received | complete | failed received / served | Σ 1 / sample_rate | refused for room | spans dropped |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

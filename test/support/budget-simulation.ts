/**
 * Minutes of traffic beyond the ingest's budget in simulated time, for the adaptive-sampling
 * tests and the bench: real spans (the tracing engine's startSpan/span), the real sampler,
 * controller, budget, pacer and the ingest's own rate limiter, all on one simulated clock.
 * What is simulated is the clock and the wire: each process's export lane is a bounded queue that
 * sends a request of at most 100 spans when it has a full one (or every 10 s), paced over a
 * sliding minute, as the client's lane does; the ingest's RateLimiter answers 429 with Retry-After.
 */
import { SlidingWindowPacer } from '../../lib/core/export/sliding-window-pacer';
import { INGEST_CONTRACT, MAX_SPANS_PER_REQUEST } from '../../lib/core/ingest-contract';
import { CONTROLLER_TICK_MS, TraceSampler } from '../../lib/core/sampling/trace-sampler';
import { TraceBudget } from '../../lib/core/sampling/trace-budget';
import type { TraceSink, TracingSettings } from '../../lib/core/trace-sink';
import type { SpanRecord } from '../../lib/core/types';
import { RateLimiter } from '../../lib/ingest/rate-limiter';
import { span } from '../../lib/tracing/tracer';

export const SPAN_BUDGET_PER_SECOND = (INGEST_CONTRACT.traces.perMinute * MAX_SPANS_PER_REQUEST) / 60;
const QUEUE_CAPACITY = 2_000;
const FLUSH_INTERVAL_MS = 10_000;

export class SimulatedClock {
  now = 0;
  readonly read = (): number => this.now;
}

/** Deterministic 32-hex trace ids (mulberry32), so a run is the same run every time. */
export function seededTraceIds(seed: number): () => string {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return () => [next(), next(), next(), next()].map((n) => n.toString(16).padStart(8, '0')).join('');
}

export class SimulatedProcess implements TraceSink {
  running = true;
  readonly tracing: TracingSettings;
  readonly budget: TraceBudget;
  readonly sampler: TraceSampler;
  readonly received: SpanRecord[] = [];
  /** Every span recorded (enqueued), received or not. */
  readonly recorded: SpanRecord[] = [];
  rateLimited = 0;
  requests = 0;
  queueFull = 0;
  peakQueue = 0;
  private queue: SpanRecord[] = [];
  private enqueued = 0;
  private readonly bucket: SlidingWindowPacer;
  private waitUntil = 0;
  private lastSend = 0;

  constructor(
    private readonly clock: SimulatedClock,
    readonly name: string,
    options: { sampleRate?: number; budgetShare?: number; adaptive?: boolean } = {},
  ) {
    const rate = options.sampleRate ?? 1;
    this.tracing = { enabled: true, sampleRate: rate, emitEvents: false, scrubber: undefined };
    this.budget = new TraceBudget(options.budgetShare ?? 1, clock.read);
    this.sampler = new TraceSampler({
      configuredRate: rate,
      adaptive: options.adaptive ?? true,
      budget: this.budget,
      queueSize: () => this.queue.length,
      queueCapacity: QUEUE_CAPACITY,
      spansRecorded: () => this.enqueued,
      now: clock.read,
    });
    this.bucket = new SlidingWindowPacer(this.budget.requestsPerMinute, clock.read);
  }

  get queued(): number {
    return this.queue.length;
  }

  dropSpanIfFull(): boolean {
    if (this.queue.length < QUEUE_CAPACITY) return false;
    this.enqueued++;
    this.queueFull++;
    return true;
  }

  enqueueSpan(record: SpanRecord): void {
    this.enqueued++;
    this.recorded.push(record);
    if (this.queue.length >= QUEUE_CAPACITY) this.queueFull++;
    else this.queue.push(record);
    this.peakQueue = Math.max(this.peakQueue, this.queue.length);
  }

  enqueueEvent(): void {}

  countScrubberFailure(): void {}

  /** The client's sampler timer. */
  tick(): void {
    this.sampler.tick();
    this.bucket.setPerMinute(this.budget.requestsPerMinute);
  }

  /** The lane: sends what it may now. */
  export(limiter: RateLimiter, slug: string): void {
    const now = this.clock.now;
    while (this.queue.length > 0 && now >= this.waitUntil) {
      const full = this.queue.length >= MAX_SPANS_PER_REQUEST;
      if (!full && now - this.lastSend < FLUSH_INTERVAL_MS) return;
      if (this.bucket.take() > 0) return;
      this.requests++;
      const retryAfterSeconds = limiter.take(`${slug}|traces`, INGEST_CONTRACT.traces.perMinute);
      if (retryAfterSeconds > 0) {
        this.rateLimited++;
        this.bucket.refund();
        this.budget.rateLimited(this.bucket.usedShare());
        this.waitUntil = now + retryAfterSeconds * 1000;
        return;
      }
      this.lastSend = now;
      // As the client's lane does before it encodes: every root about to go has its final sample_rate.
      this.sampler.finalizeWindows();
      this.received.push(...this.queue.splice(0, MAX_SPANS_PER_REQUEST));
    }
  }
}

export interface LoadShape {
  requestsPerSecond: number;
  spansPerRequest: number;
  /** Every nth request fails (its root span). */
  failEvery: number;
  seconds: number;
}

export interface ProcessOutcome {
  served: number;
  failedServed: number;
  /** Traces received, and of those complete (every span recorded, parent links intact). */
  traces: number;
  complete: number;
  estimate: number;
  /** Traces offered that no kept root stood for when the run ended (sampler.unattributed()). */
  unattributed: number;
  failedReceived: number;
  /** Roots sent alone because they failed. */
  keptOnFailure: number;
  receivedSpans: number;
  rateLimited: number;
  peakQueue: number;
  queueFull: number;
  /** Ms after the load stopped until the effective rate was back at the configured rate. */
  recoveredAfterMs: number;
  /** Effective rate after each tick of the load. */
  rates: number[];
}

/** One request: a root and its children through the real tracing engine. */
function serve(process: SimulatedProcess, traceId: string, spans: number, fails: boolean): void {
  try {
    span('request', { sink: process, root: true, traceHeader: traceId }, () => {
      for (let i = 1; i < spans; i++) span('step', { sink: process, operation: `step ${i}` }, () => i);
      if (fails) throw new Error('request failed');
    });
  } catch {
    // The simulated request failed, as 1 % do.
  }
}

/** Runs `load` on every process (one slug, one ingest), then lets them drain; bounded by the simulated clock. */
export function simulate(processes: SimulatedProcess[], clock: SimulatedClock, load: LoadShape, seed: number): ProcessOutcome[] {
  const limiter = new RateLimiter(clock.read);
  const runs = processes.map((process, i) => ({ process, ids: seededTraceIds(seed * 31 + i), served: 0, failed: 0, rates: [] as number[], recoveredAt: -1 }));
  const perTick = (load.requestsPerSecond * CONTROLLER_TICK_MS) / 1000;
  const loadTicks = (load.seconds * 1000) / CONTROLLER_TICK_MS;
  let carry = 0;
  const step = (withLoad: boolean) => {
    clock.now += CONTROLLER_TICK_MS;
    if (withLoad) {
      carry += perTick;
      const count = Math.floor(carry);
      carry -= count;
      for (const run of runs) {
        for (let r = 0; r < count; r++) {
          const fails = run.served++ % load.failEvery === load.failEvery - 1;
          if (fails) run.failed++;
          serve(run.process, run.ids(), load.spansPerRequest, fails);
        }
      }
    }
    for (const run of runs) {
      run.process.tick();
      run.process.export(limiter, 'sim');
    }
  };
  for (let t = 0; t < loadTicks; t++) {
    step(true);
    for (const run of runs) run.rates.push(run.process.sampler.effectiveRate);
  }
  const stoppedAt = clock.now;
  // Drain: at most 10 simulated minutes.
  for (let t = 0; t < 2_400 && runs.some((run) => run.process.queued > 0 || run.recoveredAt < 0); t++) {
    step(false);
    for (const run of runs) {
      if (run.recoveredAt < 0 && run.process.sampler.effectiveRate === run.process.tracing.sampleRate) run.recoveredAt = clock.now;
    }
  }
  return runs.map((run) => outcomeOf(run.process, load, run, run.recoveredAt < 0 ? Infinity : run.recoveredAt - stoppedAt));
}

function outcomeOf(p: SimulatedProcess, load: LoadShape, s: { served: number; failed: number; rates: number[] }, recoveredAfterMs: number): ProcessOutcome {
  const byTrace = new Map<string, SpanRecord[]>();
  for (const record of p.received) {
    const list = byTrace.get(record.trace_id);
    if (list) list.push(record);
    else byTrace.set(record.trace_id, [record]);
  }
  let complete = 0;
  let estimate = 0;
  let failedReceived = 0;
  let keptOnFailure = 0;
  for (const spans of byTrace.values()) {
    const roots = spans.filter((r) => r.parent_span_id === null);
    if (roots.length !== 1) continue;
    const root = roots[0]!;
    const alone = root.metadata?.['teracron.kept_on_failure'] === true;
    if (alone) keptOnFailure++;
    const children = spans.filter((r) => r !== root);
    const linked = children.every((c) => c.parent_span_id === root.span_id);
    if (linked && children.length === (alone ? 0 : load.spansPerRequest - 1)) complete++;
    const rate = root.metadata?.sample_rate;
    if (typeof rate === 'number' && rate > 0) {
      estimate += 1 / rate;
    }
    if (root.status === 'failed') failedReceived++;
  }
  return {
    served: s.served,
    failedServed: s.failed,
    traces: byTrace.size,
    complete,
    estimate,
    unattributed: p.sampler.unattributed(),
    failedReceived,
    keptOnFailure,
    receivedSpans: p.received.length,
    rateLimited: p.rateLimited,
    peakQueue: p.peakQueue,
    queueFull: p.queueFull,
    recoveredAfterMs,
    rates: s.rates,
  };
}

/**
 * TeracronClient: the framework-free SDK. It resolves the configuration, samples metrics,
 * takes finished spans and events from the tracing engine, and ships all three through
 * their export lanes. A client without an API key is valid but off: it makes no request.
 */
import { registerRunningClient, releaseExportOrigin, unregisterRunningClient } from './client-registry';
import { describeApiKey } from './config/api-key';
import type { TeracronOptions } from './config/options';
import { resolveConfig, type ResolvedConfig } from './config/resolve-config';
import { createLanes, spanQueueCapacity, type Lanes } from './client-lanes';
import { DEFAULT_BACKOFF, type BackoffSettings } from './export/backoff';
import { ExportHealth } from './export/export-health';
import { describeDrops, type KindStats } from './export/export-stats';
import { MAX_HELD_PER_TRACE, SpanGroups, type HeldSpanLimits } from './export/span-groups';
import { TargetProcessGoneError, type MetricsCollector } from './metrics/metrics-collector';
import { ProcessMetricsCollector } from './metrics/process-metrics-collector';
import { RemoteProcessCollector } from './metrics/remote-process-collector';
import { CONTROLLER_TICK_MS, TraceSampler, type TraceSamplingStats } from './sampling/trace-sampler';
import { TraceBudget } from './sampling/trace-budget';
import type { TracingScrubberField } from './config/options';
import type { ScrubberFailure, TraceSink, TracingSettings } from './trace-sink';
import { IngestTransport } from './transport/ingest-transport';
import type { MetricsSnapshot, SpanRecord, WorkflowEventRecord } from './types';
import { ClientSpool } from './spool/client-spool';
import { SpoolFolder } from './spool/spool-folder';
import { SPOOL_MAX_BYTES } from './spool/spool-location';

type Env = Record<string, string | undefined>;

/** What the agent and the tests set beside the options; not part of the public constructor. */
export interface TeracronClientInternals {
  /** Where env-var options are read. Default process.env. */
  env?: Env;
  /** Where snapshots come from. Default: this process, or the pid of `targetPid`. */
  collector?: MetricsCollector;
  /** Sample metrics on a timer. Default true. */
  collectMetrics?: boolean;
  /** Shorter retry timings for tests. */
  backoff?: BackoffSettings;
  pacing?: boolean;
  /** Caps on spans held until their local root ends (tests use small ones). Default: MAX_HELD_PER_TRACE a trace, the span queue's capacity in all. */
  heldSpans?: Partial<HeldSpanLimits>;
}

/** Carries the internals through the one-argument constructor; never exported, so users cannot set it. */
const INTERNALS = Symbol('teracron.clientInternals');

/** The internal factory (the agent, tests, benchmarks): a client with internals set. Not exported by the package. */
export function createTeracronClient(options: TeracronOptions, internals: TeracronClientInternals): TeracronClient {
  return new TeracronClient(withClientInternals(options, internals));
}

/** Options carrying internals, for a subclass's `super()` (the testing module's recording client). Not exported by the package. */
export function withClientInternals(options: TeracronOptions, internals: TeracronClientInternals): TeracronOptions {
  return { ...options, [INTERNALS]: internals } as TeracronOptions;
}

/** Per kind, `enqueued = sent + droppedTotal + inQueue + inFlight + held` at every moment; `traces`: local traces and the effective sample rate. */
export interface TeracronStats {
  metrics: KindStats;
  spans: KindStats;
  events: KindStats;
  /** Fields the tracing scrubber failed on (threw, or returned something unusable): each was dropped, its span or event kept. */
  scrubber: { failures: number };
  /** Local traces: offered, kept, unsampled, dropped, and the effective sample rate. */
  traces: TraceSamplingStats;
}

const DEFAULT_STOP_DEADLINE_MS = 5_000;

export class TeracronClient implements TraceSink {
  readonly config: ResolvedConfig;
  readonly tracing: TracingSettings;
  readonly sampler: TraceSampler | undefined;
  readonly spanGroups: SpanGroups | undefined;
  private readonly budget: TraceBudget;
  private samplerTimer: NodeJS.Timeout | undefined;
  private readonly lanes: Lanes | undefined;
  private readonly transport: IngestTransport | undefined;
  private readonly spool: ClientSpool | undefined;
  private firstMetricsFlushed = false;
  private readonly collector: MetricsCollector;
  private readonly collectMetrics: boolean;
  private state: 'idle' | 'running' | 'stopped' = 'idle';
  private metricsTimer: NodeJS.Timeout | undefined;
  private traceTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private sampling = false;
  private targetGone = false;
  private scrubberFailures = 0;

  constructor(options: TeracronOptions = {}) {
    const internals = (options as { [INTERNALS]?: TeracronClientInternals })[INTERNALS] ?? {};
    this.config = resolveConfig(options, internals.env ?? process.env);
    const config = this.config;
    this.tracing = {
      enabled: config.tracingEnabled && config.credentials !== null,
      sampleRate: config.traceSampleRate,
      emitEvents: config.traceEmitEvents,
      scrubber: config.tracingScrubber,
    };
    this.collectMetrics = internals.collectMetrics ?? true;
    this.collector =
      internals.collector ?? (config.targetPid === process.pid ? new ProcessMetricsCollector() : new RemoteProcessCollector(config.targetPid));
    this.budget = new TraceBudget(config.traceBudgetShare);
    const credentials = config.credentials;
    if (credentials === null) return;
    this.transport = new IngestTransport({
      origin: config.origin,
      slug: credentials.slug,
      mode: credentials.mode,
      timeoutMs: config.timeoutSeconds * 1000,
      logger: config.logger,
    });
    const spanCapacity = spanQueueCapacity(config);
    this.lanes = createLanes(config, {
      transport: this.transport,
      publicKey: credentials.publicKey,
      slug: credentials.slug,
      health: new ExportHealth(new URL(config.origin).host, config.logger),
      pacing: internals.pacing ?? true,
      backoff: internals.backoff ?? DEFAULT_BACKOFF,
      budget: this.budget,
      beforeEncodingSpans: () => this.sampler?.finalizeWindows(),
    });
    const spans = this.lanes.spans;
    this.spanGroups = new SpanGroups(spans, { perTrace: MAX_HELD_PER_TRACE, total: spanCapacity, ...internals.heldSpans }, () => this.state === 'running');
    this.sampler = new TraceSampler({
      configuredRate: config.traceSampleRate,
      adaptive: config.traceAdaptiveSampling,
      budget: this.budget,
      queueSize: () => spans.size + spans.stats.inFlight + spans.stats.held,
      queueCapacity: spanCapacity,
      spansRecorded: () => spans.stats.enqueued,
    });
    if (config.spoolDir !== null) {
      const folder = new SpoolFolder({ dir: config.spoolDir, slug: credentials.slug, mode: credentials.mode, origin: config.origin, maxBytes: SPOOL_MAX_BYTES });
      const lanes = this.lanes;
      this.spool = new ClientSpool(folder, { metrics: lanes.metrics, traces: lanes.spans, events: lanes.events }, config.logger, () => this.state === 'running');
    }
  }

  /** False without credentials: nothing is collected or sent. */
  get enabled(): boolean {
    return this.lanes !== undefined;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  start(): void {
    if (this.state !== 'idle' || !this.lanes) return;
    this.state = 'running';
    const config = this.config;
    config.logger.debug(`started for ${describeApiKey(config.credentials!.slug)} (${config.credentials!.mode}) → ${config.origin}`);
    if (this.collectMetrics) {
      this.collector.start?.();
      this.metricsTimer = setInterval(() => void this.sampleMetricsNow(), config.intervalSeconds * 1000);
      this.metricsTimer.unref();
    }
    if (config.tracingEnabled) {
      this.traceTimer = setInterval(() => {
        void this.lanes!.spans.flush();
        void this.lanes!.events.flush();
      }, config.traceFlushIntervalSeconds * 1000);
      this.traceTimer.unref();
      const sampler = this.sampler!;
      const adaptive = config.traceAdaptiveSampling;
      const groups = this.spanGroups!;
      this.samplerTimer = setInterval(() => {
        sampler.tick();
        groups.sweep();
        if (adaptive) this.lanes!.spans.setRequestsPerMinute(this.budget.requestsPerMinute);
      }, CONTROLLER_TICK_MS);
      this.samplerTimer.unref();
    }
    registerRunningClient(this, config.origin);
    this.spool?.start();
  }

  dropSpanIfFull(): boolean {
    return this.state === 'running' && this.lanes!.spans.dropIfFull();
  }

  enqueueSpan(span: SpanRecord): void {
    if (this.state === 'running') this.lanes!.spans.enqueue(span);
  }

  enqueueEvent(event: WorkflowEventRecord): void {
    if (this.state === 'running') this.lanes!.events.enqueue(event);
  }

  countScrubberFailure(field: TracingScrubberField, failure: ScrubberFailure): void {
    if (this.scrubberFailures++ > 0) return;
    // Said once, debug or not: data is being dropped. The field's name only, never its content.
    this.config.logger.warn(
      `the tracing scrubber ${failure} for a field "${field}"; that field was dropped (never sent unscrubbed) and its span or event kept. Later failures are counted in stats().scrubber.failures without another warning.`,
    );
  }

  recordMetrics(snapshot: MetricsSnapshot): void {
    if (this.state !== 'running') return;
    const lane = this.lanes!.metrics;
    lane.enqueue(snapshot);
    if (!this.firstMetricsFlushed) {
      // The first sample leaves at once, so charts fill about intervalSeconds after start.
      this.firstMetricsFlushed = true;
      void lane.flush();
      return;
    }
    const oldest = lane.oldestTime();
    if (oldest !== undefined && Date.now() - oldest >= this.config.flushDeadlineSeconds * 1000) void lane.flush();
  }

  /** Takes one sample now (the timer does this every intervalSeconds). Never throws. */
  async sampleMetricsNow(): Promise<void> {
    if (this.state !== 'running' || this.sampling || this.targetGone) return;
    this.sampling = true;
    try {
      this.recordMetrics(await this.collector.sample());
    } catch (error) {
      if (error instanceof TargetProcessGoneError) {
        this.targetGone = true;
        this.config.logger.warn(`${error.message}; metrics collection stopped`);
      } else {
        this.config.logger.warn(`a metrics sample failed (${(error as Error)?.name ?? 'error'})`);
      }
    } finally {
      this.sampling = false;
    }
  }

  /** Sends everything buffered now; resolves when the queues are empty or waiting to retry. */
  async flush(): Promise<void> {
    if (!this.lanes || this.state !== 'running') return;
    await Promise.all([this.lanes.metrics.flush(), this.lanes.spans.flush(), this.lanes.events.flush()]);
  }

  /** Final flush, bounded by the deadline even when the ingest hangs; idempotent. */
  stop(deadlineMs: number = DEFAULT_STOP_DEADLINE_MS): Promise<void> {
    this.stopping ??= this.shutdown(deadlineMs);
    return this.stopping;
  }

  stats(): TeracronStats {
    const empty = { enqueued: 0, sent: 0, retried: 0, dropped: {}, droppedTotal: 0, inQueue: 0, inFlight: 0, held: 0, requests: 0 };
    const scrubber = { failures: this.scrubberFailures };
    if (!this.lanes) return { metrics: empty, spans: { ...empty }, events: { ...empty }, scrubber, traces: this.emptyTraceStats() };
    return { metrics: this.lanes.metrics.snapshot(), spans: this.lanes.spans.snapshot(), events: this.lanes.events.snapshot(), scrubber, traces: this.sampler!.snapshot() };
  }

  private emptyTraceStats(): TraceSamplingStats {
    const rate = this.config.traceSampleRate;
    return { offered: 0, kept: 0, unsampled: 0, dropped: 0, keptOnFailure: 0, failuresNotKept: 0, effectiveRate: rate, configuredRate: rate, budgetShare: this.budget.share, rateLimited: 0 };
  }

  private async shutdown(deadlineMs: number): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    unregisterRunningClient(this);
    clearInterval(this.metricsTimer);
    clearInterval(this.traceTimer);
    clearInterval(this.samplerTimer);
    if (!this.lanes) return;
    // One deadline for all of it: the last sample, the final flush, and whatever is still on the wire.
    const deadlineAt = Date.now() + Math.max(0, deadlineMs);
    try {
      if (wasRunning && this.collectMetrics && !this.targetGone) {
        try {
          this.lanes.metrics.enqueue(await withTimeout(Promise.resolve(this.collector.sample()), Math.min(1000, deadlineMs / 4)));
        } catch {
          // The last sample is a courtesy; the flush matters more.
        }
      }
      await Promise.all([this.lanes.metrics.stop(deadlineAt), this.lanes.spans.stop(deadlineAt), this.lanes.events.stop(deadlineAt)]);
      const stats = this.stats();
      this.config.logger.debug(`stopped: sent ${stats.metrics.sent} metrics, ${stats.spans.sent} spans, ${stats.events.sent} events`);
      const dropLine = describeDrops({ spans: stats.spans, events: stats.events, metrics: stats.metrics });
      if (dropLine !== undefined) this.config.logger.warn(`stopped with data dropped: ${dropLine}`);
      if (stats.spans.held > 0) {
        this.config.logger.warn(`stopped with ${stats.spans.held} span(s) of traces still open (their local root had not ended): never sent, counted in stats().spans.held until their root ends (then as dropped, shutdown)`);
      }
    } finally {
      this.collector.stop?.();
      // Sockets still connecting, handshaking or trickling end here, not when the network decides.
      this.transport!.destroy();
      this.spool?.stop();
      if (wasRunning) releaseExportOrigin(this.config.origin);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

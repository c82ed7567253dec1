/**
 * The local Teracron's embedded store: spans, workflow events and metrics points, each in its
 * own segment log, durable across restarts and bounded by total size and by age.
 * The budget is split by kind so a flood of spans cannot push the memory charts out.
 */
import { mkdirSync } from 'node:fs';
import type { SpanRecord, WorkflowEventRecord } from '../../core/types';
import type { MetricsPoint } from './metrics-point';
import { isMetricsPoint, isSpanRecord, isEventRecord } from './record-shapes';
import { SegmentLog, type LogEntry } from './segment-log';
import { matchesFilter, summarizeTrace, type TraceFilter, type TraceGroup, type TraceSummary } from './trace-summary';

export interface DevStoreOptions {
  /** Directory of the segment files (created 0700 if missing). */
  dir: string;
  /** Upper bound of the bytes kept on disk, all kinds together. Default 32 MiB. */
  maxBytes?: number;
  /** Records older than this are pruned. Default 7 days. */
  maxAgeMs?: number;
  /** Clock, for tests of age pruning. Default Date.now. */
  now?: () => number;
}

export interface DevStoreCounts {
  traces: number;
  spans: number;
  events: number;
  metrics: number;
}

export const DEFAULT_STORE_MAX_BYTES = 32 * 1024 * 1024;
export const DEFAULT_STORE_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const SHARE = { spans: 0.6, events: 0.2, metrics: 0.2 } as const;
const MAX_SEGMENT_BYTES = 4 * 1024 * 1024;
const MIN_STORE_BYTES = 16 * 1024;
const PRUNE_EVERY_MS = 60_000;

export class DevStore {
  readonly maxBytes: number;
  /** Directory of the segment files. */
  readonly dir: string;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly spans: SegmentLog<SpanRecord>;
  private readonly events: SegmentLog<WorkflowEventRecord>;
  private readonly metrics: SegmentLog<MetricsPoint>;
  private readonly traces = new Map<string, TraceGroup>();
  /** Σ 1 / sample_rate over the stored roots (see requestEstimate). */
  private estimate = 0;
  private indexStale = false;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(options: DevStoreOptions) {
    this.maxBytes = Math.max(MIN_STORE_BYTES, Math.floor(options.maxBytes ?? DEFAULT_STORE_MAX_BYTES));
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_STORE_MAX_AGE_MS;
    this.now = options.now ?? Date.now;
    this.dir = options.dir;
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const log = <T>(kind: keyof typeof SHARE, isRecord: (value: unknown) => value is T): SegmentLog<T> => {
      const budgetBytes = Math.floor(this.maxBytes * SHARE[kind]);
      // At least four segments per kind, so eviction removes a quarter of a kind at most.
      const segmentBytes = Math.min(MAX_SEGMENT_BYTES, Math.floor(budgetBytes / 4));
      return new SegmentLog<T>({ dir: options.dir, kind, budgetBytes, segmentBytes, isRecord });
    };
    this.spans = log('spans', isSpanRecord);
    this.events = log('events', isEventRecord);
    this.metrics = log('metrics', isMetricsPoint);
    this.spans.onEvict = () => {
      this.indexStale = true;
    };
  }

  /** Reads what earlier runs stored and starts the periodic age pruning. */
  open(): this {
    this.spans.load();
    this.events.load();
    this.metrics.load();
    this.pruneByAge();
    this.rebuildTraceIndex();
    this.pruneTimer = setInterval(() => this.pruneByAge(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    return this;
  }

  addSpans(spans: readonly SpanRecord[]): SpanRecord[] {
    const kept = this.spans.append(spans, this.now());
    if (this.indexStale) this.rebuildTraceIndex();
    else for (const entry of kept) this.indexSpan(entry);
    return kept.map((e) => e.r);
  }

  addEvents(events: readonly WorkflowEventRecord[]): WorkflowEventRecord[] {
    return this.events.append(events, this.now()).map((e) => e.r);
  }

  addMetrics(points: readonly MetricsPoint[]): MetricsPoint[] {
    return this.metrics.append(points, this.now()).map((e) => e.r);
  }

  counts(): DevStoreCounts {
    return { traces: this.traceIndex().size, spans: this.spans.count, events: this.events.count, metrics: this.metrics.count };
  }

  /**
   * The requests the stored traces stand for: Σ 1 / metadata.sample_rate over root spans (our SDK
   * writes the rate each root was kept at); a root without a valid rate counts once.
   */
  requestEstimate(): number {
    this.traceIndex();
    return this.estimate;
  }

  /** Records of earlier runs skipped on load because they could not be used (damaged or foreign lines). */
  get skipped(): number {
    return this.spans.skipped + this.events.skipped + this.metrics.skipped;
  }

  /** Settles once everything added so far is written to disk (see SegmentLog.written). */
  async written(): Promise<void> {
    await Promise.all([this.spans.written(), this.events.written(), this.metrics.written()]);
  }

  /** Bytes held, all kinds together; never above maxBytes. */
  get bytes(): number {
    return this.spans.bytes + this.events.bytes + this.metrics.bytes;
  }

  /** Newest traces first (by their earliest span), those that match `filter`. */
  listTraces(limit: number, filter: TraceFilter = {}): TraceSummary[] {
    const summaries: TraceSummary[] = [];
    for (const [traceId, group] of this.traceIndex()) {
      group.summary ??= summarizeTrace(traceId, group);
      if (matchesFilter(group.summary, filter)) summaries.push(group.summary);
    }
    summaries.sort((a, b) => b.started_at - a.started_at || b.received_at - a.received_at);
    return summaries.slice(0, limit);
  }

  /** The root workflows of the stored traces, sorted; at most 500. */
  workflows(): string[] {
    const names = new Set<string>();
    for (const [traceId, group] of this.traceIndex()) {
      group.summary ??= summarizeTrace(traceId, group);
      names.add(group.summary.workflow);
      if (names.size >= 500) break;
    }
    return [...names].sort();
  }

  getTrace(traceId: string): { summary: TraceSummary; spans: SpanRecord[]; events: WorkflowEventRecord[] } | undefined {
    const group = this.traceIndex().get(traceId);
    if (group === undefined) return undefined;
    group.summary ??= summarizeTrace(traceId, group);
    const events: WorkflowEventRecord[] = [];
    for (const entry of this.events.entries()) if (entry.r.trace_id === traceId) events.push(entry.r);
    const spans = [...group.spans].sort((a, b) => a.started_at - b.started_at);
    return { summary: group.summary, spans, events };
  }

  /** Newest first. */
  recentEvents(limit: number): WorkflowEventRecord[] {
    return this.events.latest(limit).map((e) => e.r);
  }

  /** Oldest first, the last `limit` points. */
  recentMetrics(limit: number): MetricsPoint[] {
    return this.metrics.latest(limit).map((e) => e.r).reverse();
  }

  async close(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = undefined;
    await Promise.all([this.spans.close(), this.events.close(), this.metrics.close()]);
  }

  private pruneByAge(): void {
    const cutoff = this.now() - this.maxAgeMs;
    this.spans.pruneOlderThan(cutoff);
    this.events.pruneOlderThan(cutoff);
    this.metrics.pruneOlderThan(cutoff);
  }

  private traceIndex(): Map<string, TraceGroup> {
    if (this.indexStale) this.rebuildTraceIndex();
    return this.traces;
  }

  private rebuildTraceIndex(): void {
    this.indexStale = false;
    this.traces.clear();
    this.estimate = 0;
    for (const entry of this.spans.entries()) this.indexSpan(entry);
  }

  private indexSpan(entry: LogEntry<SpanRecord>): void {
    const traceId = entry.r.trace_id;
    let group = this.traces.get(traceId);
    if (group === undefined) {
      group = { spans: [], receivedAt: entry.t };
      this.traces.set(traceId, group);
    }
    group.spans.push(entry.r);
    if (entry.r.parent_span_id === null) this.estimate += 1 / sampleRateOf(entry.r);
    group.receivedAt = Math.max(group.receivedAt, entry.t);
    group.summary = undefined;
  }
}

function sampleRateOf(root: SpanRecord): number {
  const rate = root.metadata?.sample_rate;
  return typeof rate === 'number' && rate > 0 && rate <= 1 ? rate : 1;
}

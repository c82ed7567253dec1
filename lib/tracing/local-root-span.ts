/**
 * The local root of a trace under the client's sampler (the first span of a trace in this
 * process), decided before any span of the trace is built.
 *
 * - A kept root is a RecordingSpan with its `sampleWindow` set: it is recorded with
 *   `metadata.sample_rate`, the share of its window's local traces that were kept
 *   (core/sampling/sample-window.ts), so that Σ 1 / sample_rate over the roots of a window is the
 *   window's offered count.
 * - A watched root belongs to a trace not kept. It is an UnsampledSpan (`sampled` false), so the
 *   code it runs, its children and their calls take the unsampled fast path and build nothing;
 *   only the places that end a root report its end (`watched`). When it fails and the failure
 *   share has room, it is built then, as a span alone (sample_rate 1, `teracron.kept_on_failure`),
 *   with the start time, name and metadata it was given; otherwise nothing of it is built.
 */
import type { TraceSink } from '../core/trace-sink';
import type { SpanRecord, SpanStatus } from '../core/types';
import { newSpanId } from './ids';
import type { ErrorFields } from './sanitize';
import { monotonicNow, RecordingSpan, UnsampledSpan } from './span';

/** Marks a root sent only because it failed: its trace's other spans were not recorded. */
export const KEPT_ON_FAILURE_KEY = 'teracron.kept_on_failure';

export class WatchedRootSpan extends UnsampledSpan {
  override readonly watched = true;
  private readonly startMono = monotonicNow();
  private name: string;
  private metadata: Record<string, unknown> | null = null;
  private standIn: UnsampledSpan | undefined;

  constructor(
    sink: TraceSink,
    traceId: string,
    parentSpanId: string | null,
    private readonly rootWorkflow: string,
    operation: string,
    isRoot: boolean,
  ) {
    super(sink, traceId, parentSpanId, isRoot);
    this.name = operation;
  }

  /** What a span started under this root is: unsampled, one for all of them. */
  childStandIn(): UnsampledSpan {
    return (this.standIn ??= new UnsampledSpan(this.sink, this.traceId, this.contextSpanId, false));
  }

  override setOperation(name: string): this {
    if (typeof name === 'string' && name !== '') this.name = name;
    return this;
  }

  /** Kept (as RecordingSpan keeps it) for the span it becomes if it fails. */
  override setMetadata(data: Record<string, unknown>): this {
    if (data !== null && typeof data === 'object' && !this.ended) this.metadata = Object.assign(this.metadata ?? {}, data);
    return this;
  }

  override end(): void {
    this.close();
  }

  override fail(error: unknown): void {
    this.sendIfFailureKept()?.fail(error);
  }

  override endWith(status: SpanStatus, error?: unknown): void {
    if (status !== 'failed') return this.close();
    const alone = this.sendIfFailureKept();
    if (alone === undefined) return;
    if (arguments.length > 1) alone.endWith(status, error);
    else alone.endWith(status);
  }

  /** Excluded after it started (an HTTP route excluded by its template): its trace is not one of the offered. */
  override discard(): void {
    if (!this.ended) this.sink.sampler?.withdraw(this.contextSpanId === null);
    this.close();
  }

  private close(): void {
    this.ended = true;
    this.metadata = null;
  }

  /** The span this root becomes when the failure share takes it; undefined (and nothing built) otherwise. */
  private sendIfFailureKept(): FailedRootSpan | undefined {
    if (this.ended) return undefined;
    this.ended = true;
    const sink = this.sink;
    if (sink.sampler?.takeFailure(this.contextSpanId === null) !== true) {
      this.metadata = null;
      return undefined;
    }
    const alone = new FailedRootSpan(sink, this.traceId, newSpanId(), this.contextSpanId, this.rootWorkflow, this.name, this.isRoot, this.startMono);
    if (this.metadata !== null) alone.setMetadata(this.metadata);
    this.metadata = null;
    return alone;
  }
}

/** A watched root that failed within the failure share: sent alone, counted once, announcing no workflow events. */
class FailedRootSpan extends RecordingSpan {
  protected override get announced(): boolean {
    return false;
  }

  protected override record(status: SpanStatus, durationMs: number, errorFields: ErrorFields | undefined): SpanRecord {
    const record = super.record(status, durationMs, errorFields);
    record.metadata = { ...record.metadata, sample_rate: 1, [KEPT_ON_FAILURE_KEY]: true };
    return record;
  }
}

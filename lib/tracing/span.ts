/**
 * Span handles. A RecordingSpan measures, collects metadata, and on end is sanitised, scrubbed
 * and queued on its client. An UnsampledSpan only carries the trace id (children and outbound
 * headers still see the trace) and records nothing. NOOP_SPAN stands for "no client running".
 */
import type { SampleWindow } from '../core/sampling/sample-window';
import type { TraceSink } from '../core/trace-sink';
import type { SpanRecord, SpanStatus } from '../core/types';
import type { SpanHandle, TraceContext } from './span-handle';
import { emitSpanEnded, emitSpanStarted } from './events';
import type { SpanGroup } from './span-group';
import { cutText, errorFieldsOf, OPERATION_MAX, type ErrorFields, SPAN_ERROR_MESSAGE_MAX, WORKFLOW_MAX } from './sanitize';
import { scrubbedCaptured, scrubbedError, scrubbedMetadata } from './scrub';

export type { SpanHandle } from './span-handle';

/**
 * performance.now(), bound once: the global `performance` is an accessor, and reading it costs
 * about 40 ns a call on Node 24, twice per span.
 */
export const monotonicNow: () => number = performance.now.bind(performance);

/**
 * Wall-clock ms for a monotonic reading: one clock read per span instead of two. The offset is
 * re-read from Date.now() every second, so a wall-clock step (NTP, a laptop waking up) shows
 * within a second.
 */
let wallOffset = Date.now() - monotonicNow();
let offsetReadAt = monotonicNow();

function wallClockAt(mono: number): number {
  if (mono - offsetReadAt > 1000 || mono < offsetReadAt) {
    wallOffset = Date.now() - monotonicNow();
    offsetReadAt = mono;
  }
  return Math.round(wallOffset + mono);
}

export class RecordingSpan implements SpanHandle {
  readonly spanId: string;
  readonly sampled = true;
  /** Only an UnsampledSpan can be watched (local-root-span.ts). */
  readonly watched = false;
  readonly startedAt: number;
  private readonly startMono: number;
  operation: string;
  ended = false;
  private metadata: Record<string, unknown> | null = null;
  private captured: Record<string, unknown> | null = null;
  /**
   * Set on the local root of a kept trace (trace-start.ts): the sample window whose rate its record
   * carries as `metadata.sample_rate`. A field, not a subclass, so every recorded span has one shape.
   */
  sampleWindow: SampleWindow | null = null;
  /**
   * The group of its local root (span-group.ts), set when it is born (trace-start.ts): its record
   * waits there until the root ends. Null without one (a sink that queues every span alone).
   */
  group: SpanGroup | null = null;
  /** The context a @Trace call entered this span from, put back when the call returns. */
  outerContext: TraceContext | undefined = undefined;

  constructor(
    readonly sink: TraceSink,
    readonly traceId: string,
    spanId: string,
    readonly parentSpanId: string | null,
    readonly workflow: string,
    operation: string,
    readonly isRoot: boolean,
    /** When it started (performance.now()); a failed root sent alone started before it was built. */
    startMono = monotonicNow(),
  ) {
    this.startMono = startMono;
    this.spanId = spanId;
    this.operation = operation;
    this.startedAt = wallClockAt(this.startMono);
    if (sink.tracing.emitEvents && this.announced) emitSpanStarted(this);
  }

  /** Whether this span emits workflow events; a root watched only for failure (local-root-span.ts) does not. */
  protected get announced(): boolean {
    return true;
  }

  get span(): SpanHandle {
    return this;
  }

  get contextSpanId(): string {
    return this.spanId;
  }

  setOperation(name: string): this {
    if (typeof name === 'string' && name !== '') this.operation = name;
    return this;
  }

  setMetadata(data: Record<string, unknown>): this {
    if (data !== null && typeof data === 'object' && !this.ended) this.metadata = Object.assign(this.metadata ?? {}, data);
    return this;
  }

  setCaptured(data: Record<string, unknown>): this {
    if (data !== null && typeof data === 'object' && !this.ended) this.captured = Object.assign(this.captured ?? {}, data);
    return this;
  }

  end(): void {
    this.finish('succeeded', false, undefined);
  }

  /** Any thrown value counts, `undefined` and `null` included. */
  fail(error: unknown): void {
    this.finish('failed', true, error);
  }

  endWith(status: SpanStatus, error?: unknown): void {
    this.finish(status, status === 'failed' && arguments.length > 1, error);
  }

  discard(): void {
    // A kept root excluded after it started (an HTTP route excluded by its template) stands for no request.
    if (!this.ended && this.sampleWindow !== null) this.sampleWindow.withdraw();
    if (!this.ended) this.group?.discarded(this);
    this.ended = true;
    this.metadata = null;
    this.captured = null;
  }

  private finish(status: SpanStatus, hasError: boolean, error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const durationMs = Math.max(0, monotonicNow() - this.startMono);
      const group = this.group;
      const dropped = group === null ? this.sink.dropSpanIfFull() : group.dropsBeforeBuild(this);
      const emitEvents = this.sink.tracing.emitEvents;
      // Scrubbed once for the span and its *_failed event; not at all when neither is sent.
      const errorFields = hasError && (!dropped || emitEvents) ? scrubbedError(this.sink, errorFieldsOf(error)) : undefined;
      if (!dropped) {
        const record = this.record(status, durationMs, errorFields);
        if (group === null) this.sink.enqueueSpan(record);
        else group.add(this, record);
      }
      this.metadata = null;
      this.captured = null;
      if (emitEvents && this.announced) emitSpanEnded(this, status, durationMs, errorFields);
    } catch {
      // Telemetry never throws into the caller's code.
    }
  }

  /** The wire form: cut to the server's limits, sanitised, and shown to the user's scrubber. */
  protected record(status: SpanStatus, durationMs: number, errorFields: ErrorFields | undefined): SpanRecord {
    return {
      trace_id: this.traceId,
      span_id: this.spanId,
      parent_span_id: this.parentSpanId,
      workflow: cutText(this.workflow, WORKFLOW_MAX),
      operation: cutText(this.operation, OPERATION_MAX),
      status,
      started_at: this.startedAt,
      duration_ms: durationMs,
      error_type: errorFields ? cutText(errorFields.type, 256) : null,
      error_message: errorFields ? cutText(errorFields.message, SPAN_ERROR_MESSAGE_MAX) : null,
      // sample_rate goes in after the scrubber, so no scrubber removes it.
      metadata: this.sampleWindow === null ? scrubbedMetadata(this.sink, this.metadata) : this.sampleWindow.stamp(scrubbedMetadata(this.sink, this.metadata)),
      captured_params: scrubbedCaptured(this.sink, this.captured),
    };
  }

  traceHeader(): string {
    return `${this.traceId}:${this.spanId}`;
  }
}

/** A trace that is not sampled: it carries the id so children and outbound calls agree, and records nothing. */
export class UnsampledSpan implements SpanHandle {
  readonly spanId = '';
  readonly sampled = false;
  /** A local root of a trace not kept, watched only for failure (local-root-span.ts): its end must still be reported. */
  readonly watched: boolean = false;
  /** Only a watched root ever ends (local-root-span.ts); an unsampled span has nothing to end. */
  ended = false;
  readonly workflow: string = '';
  readonly operation: string = '';

  constructor(
    readonly sink: TraceSink,
    readonly traceId: string,
    /** The parent a child (or another process) would hang under: the remote parent, if any. */
    readonly contextSpanId: string | null,
    readonly isRoot: boolean,
  ) {}

  get span(): SpanHandle {
    return this;
  }

  get parentSpanId(): string | null {
    return this.contextSpanId;
  }

  setOperation(_name: string): this {
    return this;
  }
  setMetadata(_data: Record<string, unknown>): this {
    return this;
  }
  setCaptured(): this {
    return this;
  }
  end(): void {}
  fail(_error: unknown): void {}
  endWith(_status: SpanStatus, _error?: unknown): void {}
  discard(): void {}

  traceHeader(): string | undefined {
    return this.contextSpanId === null ? this.traceId : `${this.traceId}:${this.contextSpanId}`;
  }
}

const DISABLED_SINK: TraceSink = {
  running: false,
  tracing: { enabled: false, sampleRate: 0, emitEvents: false, scrubber: undefined },
  dropSpanIfFull: () => false,
  enqueueSpan() {},
  enqueueEvent() {},
  countScrubberFailure() {},
};

/** What startSpan returns when no client runs or tracing is off: nothing, not even a trace id. */
export const NOOP_SPAN: SpanHandle = Object.freeze(
  new (class NoopSpan extends UnsampledSpan {
    override traceHeader(): string | undefined {
      return undefined;
    }
  })(DISABLED_SINK, '', null, true),
);

/**
 * The two shapes the tracing engine passes around: the context stored in AsyncLocalStorage, and
 * the span handle users hold (a span is the context of the code running in it). Types only.
 */
import type { TraceSink } from '../core/trace-sink';
import type { SpanStatus } from '../core/types';

export interface TraceContext {
  readonly sink: TraceSink;
  readonly traceId: string;
  /** The innermost open span, or null when only a trace id (and maybe a remote parent) is set. */
  readonly span: SpanHandle | null;
  /** The id to use as parent for a new span: the open span's id, else the remote parent. */
  readonly contextSpanId: string | null;
  readonly sampled: boolean;
}

export interface SpanHandle extends TraceContext {
  /** '' when the span is not recorded. */
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly workflow: string;
  readonly operation: string;
  /** A root starts a trace here; a span continuing a remote trace is not a root. */
  readonly isRoot: boolean;
  readonly ended: boolean;
  /**
   * Not recorded (sampled false), yet its end must be reported: the local root of a trace not
   * kept, sent alone if it fails within the failure share. Its children are not recorded.
   */
  readonly watched: boolean;
  /** Renames the span (the HTTP layer learns the route after the span started). */
  setOperation(name: string): this;
  /** Merged into the span's metadata; the caller's object is never kept or changed. */
  setMetadata(data: Record<string, unknown>): this;
  setCaptured(data: Record<string, unknown>): this;
  end(): void;
  fail(error: unknown): void;
  endWith(status: SpanStatus, error?: unknown): void;
  /** Ends the span without recording it (a request that turned out to be excluded). */
  discard(): void;
  /** The X-Teracron-Trace value for work this span hands to another process. */
  traceHeader(): string | undefined;
}

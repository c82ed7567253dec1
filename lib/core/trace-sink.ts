/**
 * What the tracing engine needs of a client: its tracing settings and two cheap
 * enqueue calls. Kept as an interface so tracing never reaches into export internals.
 */
import type { TracingScrubber } from './config/options';
import type { SpanRecord, WorkflowEventRecord } from './types';

export interface TracingSettings {
  enabled: boolean;
  sampleRate: number;
  emitEvents: boolean;
  scrubber: TracingScrubber | undefined;
}

export interface TraceSink {
  readonly running: boolean;
  readonly tracing: TracingSettings;
  /**
   * O(1), never throws. True when the span queue is full: the span that was about to be built
   * is counted as dropped, so the caller skips building it (an app busier than the export
   * drops most spans; building them first would be wasted work).
   */
  dropSpanIfFull(): boolean;
  /** O(1), never throws; a full queue drops and counts. */
  enqueueSpan(span: SpanRecord): void;
  /** O(1), never throws; a full queue drops and counts. */
  enqueueEvent(event: WorkflowEventRecord): void;
}

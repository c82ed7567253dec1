/**
 * What the tracing engine needs of a client: its tracing settings, two cheap enqueue calls and
 * a counter for scrubber failures. Kept as an interface so tracing never reaches into export
 * internals.
 */
import type { SampleWindow } from './sampling/sample-window';
import type { TracingScrubber, TracingScrubberField } from './config/options';
import type { SpanRecord, WorkflowEventRecord } from './types';

export interface TracingSettings {
  enabled: boolean;
  sampleRate: number;
  emitEvents: boolean;
  scrubber: TracingScrubber | undefined;
}

/** Why the scrubber's answer could not be used (said in the one warning; never the data). */
export type ScrubberFailure = 'threw' | 'returned a non-object' | 'returned a Promise (a scrubber must be synchronous)' | 'returned an object that throws when read';

/**
 * The client's side of a local trace's sampling decision (the tracing engine hashes the trace id
 * against `effectiveRate`, PROTOCOL.md §8). O(1), never throws.
 */
export interface RootSampler {
  /** The rate a local trace starting now is decided at: traceSampleRate, or lower under the budget. */
  readonly effectiveRate: number;
  /** Whether a failed root of a trace not kept may still be sent (traceAdaptiveSampling). */
  readonly keepsFailures: boolean;
  /**
   * Counts a local trace as offered, in the window of traces started here (`newTrace`) or of
   * traces continued from another process; returns that window when the trace is kept (the rate
   * kept it and the queue has room for it), else null.
   */
  admit(keptByRate: boolean, newTrace: boolean): SampleWindow | null;
  /**
   * A local root of a trace not kept ends failed: true when the failure share has room for it
   * (taken); it is then sent alone with sample_rate 1.
   */
  takeFailure(newTrace: boolean): boolean;
  /** A local trace not kept turned out to be excluded (an HTTP route excluded by its template): no longer counted as offered in its window. */
  withdraw(newTrace: boolean): void;
  /**
   * A kept trace whose root will not be sent after all (its group was dropped whole for room, cut
   * by a cap, or the client stopped): counted as dropped, and no longer kept in its window, so the
   * window's other roots stand for it.
   */
  lost(window: SampleWindow): void;
}

/** Why the spans of a trace held until its local root ends are dropped, all of them (stats().spans.dropped). */
export type HeldDropCause = 'queue_full' | 'trace_over_cap' | 'held_full' | 'root_discarded' | 'never_ended' | 'shutdown';

/** A trace holding spans (lib/tracing/span-group.ts), as the process side sees it. */
export interface HeldGroup {
  /** Its held spans; null once its root ended or it was dropped. */
  readonly heldSpans: readonly SpanRecord[] | null;
  /** Drops it whole (its held spans, its later spans and its root), counted under `cause`. */
  cut(cause: HeldDropCause): void;
  /** Where the process side lists it while it holds spans (-1: not listed); written by that side only. */
  heldSlot: number;
}

/**
 * Where the spans of a kept trace wait until its local root ends (core/export/span-groups.ts), so
 * the trace goes to the export queue whole or not at all. O(1) but `enqueueGroup`, never throws.
 */
export interface SpanGroupSink {
  /**
   * One more span for `held`, the spans the trace `owner` holds so far: null when it may wait (it
   * is then counted as held), else why the trace is cut.
   */
  hold(held: readonly SpanRecord[], owner: HeldGroup): HeldDropCause | null;
  /**
   * The trace will send nothing: its `held` spans are dropped and counted under `cause`, with
   * `unbuilt` more that were never built (the root, a later child).
   */
  dropHeld(owner: HeldGroup, held: readonly SpanRecord[], cause: HeldDropCause, unbuilt: number): void;
  /** Before its local root is built: null when the root and its held spans all fit, else why they were all dropped (counted). */
  dropGroupIfFull(owner: HeldGroup, held: readonly SpanRecord[]): HeldDropCause | null;
  /** The local root ended: it and its held spans go to the queue in one call. */
  enqueueGroup(owner: HeldGroup, root: SpanRecord, held: readonly SpanRecord[]): void;
}

export interface TraceSink {
  readonly running: boolean;
  readonly tracing: TracingSettings;
  /** Without one, traces are decided at `tracing.sampleRate` and nothing is counted. */
  readonly sampler?: RootSampler;
  /** Without one, every span is queued alone when it ends (a test's in-memory sink, the testing module). */
  readonly spanGroups?: SpanGroupSink;
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
  /** O(1), never throws: the scrubber failed on `field`, which was dropped (the span or event is kept). */
  countScrubberFailure(field: TracingScrubberField, failure: ScrubberFailure): void;
}

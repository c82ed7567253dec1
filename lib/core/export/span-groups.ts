/**
 * The process's side of holding a kept trace's spans until its local root ends (the tracing side
 * is lib/tracing/span-group.ts): the caps, the counts, and the one call that queues a trace whole.
 *
 * A held span is counted as enqueued and as `held` in stats().spans, so `enqueued = sent +
 * droppedTotal + inQueue + inFlight + held` holds throughout; the sampler sees held spans as part
 * of the queue's fill. Bounds: `perTrace` spans held for one trace and `total` for the process;
 * past either the trace is cut, whole (`trace_over_cap`, `held_full`). A root that never ends is
 * never sent; its held spans stay counted as held while it lives and, once it is
 * garbage-collected, are freed with it and counted as dropped (`never_ended`).
 */
import type { SpanRecord } from '../types';
import type { HeldDropCause, SpanGroupSink } from '../trace-sink';
import type { ExportLane } from './export-lane';

/** Spans one trace may hold while its local root is open: 10 full requests. */
export const MAX_HELD_PER_TRACE = 1_000;

export interface HeldSpanLimits {
  perTrace: number;
  total: number;
}

export class SpanGroups implements SpanGroupSink {
  /** Frees the count of a trace whose root was collected unended; its records go with it. */
  private readonly unended = new FinalizationRegistry<readonly SpanRecord[]>((held) => {
    this.lane.stats.held -= held.length;
    this.lane.stats.drop('never_ended', held.length);
  });

  constructor(
    private readonly lane: ExportLane<SpanRecord>,
    private readonly limits: HeldSpanLimits,
    private readonly running: () => boolean,
  ) {}

  /** Spans held now, waiting for their local roots. */
  get held(): number {
    return this.lane.stats.held;
  }

  hold(held: readonly SpanRecord[], owner: object): HeldDropCause | null {
    if (!this.running()) return 'shutdown';
    if (held.length >= this.limits.perTrace) return 'trace_over_cap';
    const stats = this.lane.stats;
    if (stats.held >= this.limits.total) return 'held_full';
    if (held.length === 0) this.unended.register(owner, held, owner);
    stats.enqueued++;
    stats.held++;
    return null;
  }

  dropHeld(held: readonly SpanRecord[], owner: object, cause: HeldDropCause, unbuilt: number): void {
    const stats = this.lane.stats;
    if (held.length > 0) {
      this.unended.unregister(owner);
      stats.held -= held.length;
      stats.drop(cause, held.length);
    }
    // Spans ending after the client stopped are not counted (as enqueueSpan does not count them).
    if (unbuilt > 0 && this.running()) {
      stats.enqueued += unbuilt;
      stats.drop(cause, unbuilt);
    }
  }

  dropGroupIfFull(held: readonly SpanRecord[], owner: object): HeldDropCause | null {
    if (!this.running()) {
      this.dropHeld(held, owner, 'shutdown', 1);
      return 'shutdown';
    }
    if (this.lane.hasRoomFor(held.length + 1)) return null;
    this.dropHeld(held, owner, 'queue_full', 1);
    this.lane.warnQueueFull();
    return 'queue_full';
  }

  enqueueGroup(root: SpanRecord, held: readonly SpanRecord[], owner: object): void {
    if (held.length > 0) this.unended.unregister(owner);
    this.lane.enqueueGroup(root, held);
  }
}

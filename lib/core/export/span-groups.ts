/**
 * The process's side of holding a kept trace's spans until its local root ends (the tracing side
 * is lib/tracing/span-group.ts): the caps, the counts, and the one call that queues a trace whole.
 *
 * A held span is counted as enqueued and as `held` in stats().spans, so `enqueued = sent +
 * droppedTotal + inQueue + inFlight + held` holds throughout; the sampler sees held spans as part
 * of the queue's fill. Bounds: `perTrace` spans held for one trace and `total` for the process;
 * past either the trace is cut, whole (`trace_over_cap`, `held_full`). A root that never ends is
 * never sent: its held spans stay counted as held until the oldest is STALE_AFTER_MS old (the
 * ingest would refuse it by then), and are then dropped whole, counted (`never_ended`) and freed.
 */
import type { SpanRecord } from '../types';
import type { HeldDropCause, HeldGroup, SpanGroupSink } from '../trace-sink';
import { STALE_AFTER_MS, type ExportLane } from './export-lane';

/** Spans one trace may hold while its local root is open: 10 full requests. */
export const MAX_HELD_PER_TRACE = 1_000;
/** Entries of finished groups the sweep list may carry beyond twice the open ones before it is compacted. */
const SWEEP_SLACK = 1_024;

export interface HeldSpanLimits {
  perTrace: number;
  total: number;
}

export class SpanGroups implements SpanGroupSink {
  /**
   * Groups in the order they began to hold, for the sweep: a plain array (a push per trace, not a
   * FinalizationRegistry's ~0.6 µs register and unregister), finished entries left for the sweep.
   */
  private holding: HeldGroup[] = [];
  private head = 0;
  private openGroups = 0;

  constructor(
    private readonly lane: ExportLane<SpanRecord>,
    private readonly limits: HeldSpanLimits,
    private readonly running: () => boolean,
  ) {}

  hold(held: readonly SpanRecord[], owner: HeldGroup): HeldDropCause | null {
    if (!this.running()) return 'shutdown';
    if (held.length >= this.limits.perTrace) return 'trace_over_cap';
    const stats = this.lane.stats;
    if (stats.held >= this.limits.total) return 'held_full';
    if (held.length === 0) {
      this.holding.push(owner);
      this.openGroups++;
    }
    stats.enqueued++;
    stats.held++;
    return null;
  }

  dropHeld(held: readonly SpanRecord[], cause: HeldDropCause, unbuilt: number): void {
    const stats = this.lane.stats;
    if (held.length > 0) {
      this.openGroups--;
      stats.held -= held.length;
      stats.drop(cause, held.length);
    }
    // Spans ending after the client stopped are not counted (as enqueueSpan does not count them).
    if (unbuilt > 0 && this.running()) {
      stats.enqueued += unbuilt;
      stats.drop(cause, unbuilt);
    }
  }

  dropGroupIfFull(held: readonly SpanRecord[]): HeldDropCause | null {
    if (!this.running()) {
      this.dropHeld(held, 'shutdown', 1);
      return 'shutdown';
    }
    if (this.lane.hasRoomFor(held.length + 1)) return null;
    this.dropHeld(held, 'queue_full', 1);
    this.lane.warnQueueFull();
    return 'queue_full';
  }

  enqueueGroup(root: SpanRecord, held: readonly SpanRecord[]): void {
    if (held.length > 0) this.openGroups--;
    this.lane.enqueueGroup(root, held);
  }

  /**
   * Every controller tick: cuts the traces whose oldest held span is too old to be sent (their root
   * never ended, or not in time), from the front of the list, and forgets finished groups.
   */
  sweep(now = Date.now()): void {
    const holding = this.holding;
    const staleBefore = now - STALE_AFTER_MS;
    while (this.head < holding.length) {
      const group = holding[this.head]!;
      const held = group.heldSpans;
      if (held !== null && held.length > 0 && held[0]!.started_at >= staleBefore) break;
      if (held !== null && held.length > 0) group.cut('never_ended');
      holding[this.head++] = undefined as unknown as HeldGroup;
    }
    if (this.head === holding.length) {
      this.holding = [];
      this.head = 0;
    } else if (holding.length - this.head > 2 * this.openGroups + SWEEP_SLACK) {
      this.holding = holding.slice(this.head).filter((group) => group.heldSpans !== null && group.heldSpans.length > 0);
      this.head = 0;
    }
  }
}

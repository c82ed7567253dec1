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
import type { ExportLane } from './export-lane';
import { STALE_AFTER_MS } from './next-batch';

/** Spans one trace may hold while its local root is open: 10 full requests. */
export const MAX_HELD_PER_TRACE = 1_000;

export interface HeldSpanLimits {
  perTrace: number;
  total: number;
}

export class SpanGroups implements SpanGroupSink {
  /**
   * The groups holding spans now, for the sweep: an array each group knows its place in, so
   * listing and unlisting cost a push and a swap (a Set costs ~0.2 µs a trace, a
   * FinalizationRegistry ~0.6 µs, and a list that kept finished groups until a sweep would keep
   * every trace alive past the young generation).
   */
  private readonly holding: HeldGroup[] = [];

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
    if (owner.heldSlot < 0) owner.heldSlot = this.holding.push(owner) - 1;
    stats.enqueued++;
    stats.held++;
    return null;
  }

  dropHeld(owner: HeldGroup, held: readonly SpanRecord[], cause: HeldDropCause, unbuilt: number): void {
    const stats = this.lane.stats;
    this.unlist(owner);
    if (held.length > 0) {
      stats.held -= held.length;
      stats.drop(cause, held.length);
    }
    // Spans ending after the client stopped are not counted (as enqueueSpan does not count them).
    if (unbuilt > 0 && this.running()) {
      stats.enqueued += unbuilt;
      stats.drop(cause, unbuilt);
    }
  }

  dropGroupIfFull(owner: HeldGroup, held: readonly SpanRecord[]): HeldDropCause | null {
    if (!this.running()) {
      this.dropHeld(owner, held, 'shutdown', 1);
      return 'shutdown';
    }
    if (this.lane.hasRoomFor(held.length + 1)) return null;
    this.dropHeld(owner, held, 'queue_full', 1);
    this.lane.warnQueueFull();
    return 'queue_full';
  }

  enqueueGroup(owner: HeldGroup, root: SpanRecord, held: readonly SpanRecord[]): void {
    this.unlist(owner);
    this.lane.enqueueGroup(root, held);
  }

  /** Every controller tick: cuts the traces whose oldest held span is too old to be sent (their root never ended, or not in time). */
  sweep(now = Date.now()): void {
    const staleBefore = now - STALE_AFTER_MS;
    // From the end: a group unlisted at i is replaced by the last one, already seen.
    for (let i = this.holding.length - 1; i >= 0; i--) {
      const group = this.holding[i]!;
      const oldest = group.heldSpans?.[0];
      if (oldest === undefined || oldest.started_at < staleBefore) group.cut('never_ended');
    }
  }

  private unlist(owner: HeldGroup): void {
    const slot = owner.heldSlot;
    if (slot < 0) return;
    const last = this.holding.pop()!;
    if (last !== owner) {
      this.holding[slot] = last;
      last.heldSlot = slot;
    }
    owner.heldSlot = -1;
  }
}

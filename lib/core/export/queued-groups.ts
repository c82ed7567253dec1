/**
 * Groups in the export queue: the spans of one trace, queued together when its local root ended
 * (span-groups.ts), the root first (it started first, so a stale group is seen at its head). A
 * batch ends at a group's end when it can, so a trace travels in one request; a group larger than
 * one request (over 100 spans, or over the body cap) still goes, across requests. Items queued
 * alone (metrics, events, a span ending after its root) are groups of one.
 */
import type { Queued } from '../encoding/batch-encoders';
import type { BoundedQueue } from './bounded-queue';

/** Items in the group `entry` starts (or continues): it and those after it. */
export function groupLength<T>(entry: Queued<T>): number {
  return 1 + (entry.groupLeft ?? 0);
}

/**
 * Of the first `count` entries (those that fit one request), how many to take so the batch ends
 * at a group's end: `count` when it already does, or when the first group alone is larger (it
 * then goes across requests).
 */
export function wholeGroupCount<T>(peek: (index: number) => Queued<T> | undefined, count: number): number {
  for (let end = count; end > 0; end--) {
    if ((peek(end - 1)!.groupLeft ?? 0) === 0) return end;
  }
  return count;
}

/** Of a batch put back for a retry into `room` places, how many to keep so no group is split (0 when the first does not fit). */
export function wholeGroupsWithin<T>(batch: readonly Queued<T>[], room: number): number {
  if (batch.length <= room) return batch.length;
  for (let end = room; end > 0; end--) {
    if ((batch[end - 1]!.groupLeft ?? 0) === 0) return end;
  }
  return 0;
}

/** Queues a group whole: the caller checked there is room for all of it. */
export function pushGroup<T>(queue: BoundedQueue<Queued<T>>, root: T, rest: readonly T[]): void {
  queue.push({ item: root, bytes: -1, groupLeft: rest.length });
  for (let i = 0; i < rest.length; i++) queue.push({ item: rest[i]!, bytes: -1, groupLeft: rest.length - 1 - i });
}

/**
 * Groups in the export queue: the spans of one trace, queued together when its local root ended
 * (span-groups.ts), the root last, as when each span was queued at its end: a group larger than
 * one request (over 100 spans, or over the body cap) goes across requests, and its root then
 * arrives in the last, so a root received means its trace was. A batch ends at a group's end when
 * it can, so a trace travels in one request. Items queued alone (metrics, events, a span ending
 * after its root) are groups of one.
 */
import type { Queued } from '../encoding/batch-encoders';
import type { BoundedQueue } from './bounded-queue';

/** Items in the group `entry` starts (or continues): it and those after it. */
function groupLength<T>(entry: Queued<T>): number {
  return 1 + (entry.groupLeft ?? 0);
}

/** The last item of the group at the front: its root, the first of it to start (the one to test for staleness). */
export function frontGroupRoot<T>(queue: BoundedQueue<Queued<T>>): Queued<T> {
  const first = queue.peek()!;
  return queue.peek(first.groupLeft ?? 0) ?? first;
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

/**
 * A failed batch back at the front for its retry, as many whole groups as the queue has room for
 * (a group that no longer fits is dropped whole); returns how many items did not fit.
 */
export function putBackWhole<T>(queue: BoundedQueue<Queued<T>>, batch: Queued<T>[]): number {
  const kept = wholeGroupsWithin(batch, Math.max(0, queue.capacity - queue.size));
  queue.unshiftAll(kept === batch.length ? batch : batch.slice(0, kept));
  return batch.length - kept;
}

/** Takes the group at the front off the queue, to be dropped whole (sent without its head, a trace would arrive cut); returns its length. */
export function shiftFrontGroup<T>(queue: BoundedQueue<Queued<T>>): number {
  const count = Math.min(queue.size, groupLength(queue.peek()!));
  for (let i = 0; i < count; i++) queue.shift();
  return count;
}

/** Of a batch put back into `room` places, how many to keep so no group is split (0 when the first does not fit). */
function wholeGroupsWithin<T>(batch: readonly Queued<T>[], room: number): number {
  if (batch.length <= room) return batch.length;
  for (let end = room; end > 0; end--) {
    if ((batch[end - 1]!.groupLeft ?? 0) === 0) return end;
  }
  return 0;
}

/** Queues a group whole, its root last: the caller checked there is room for all of it. */
export function pushGroup<T>(queue: BoundedQueue<Queued<T>>, root: T, rest: readonly T[]): void {
  for (let i = 0; i < rest.length; i++) queue.push({ item: rest[i]!, bytes: -1, groupLeft: rest.length - i });
  queue.push({ item: root, bytes: -1, groupLeft: 0 });
}

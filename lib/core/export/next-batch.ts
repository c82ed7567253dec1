/**
 * What the next request of a lane carries, taken off the front of its queue: stale and
 * unencodable items dropped first (counted), then as many as fit one request (the encoder's item
 * and byte caps), ending at a group's end (queued-groups.ts). Whole groups: one whose root (the
 * first of it to start) is stale, or whose head does not encode, is dropped whole, since sent
 * without them its trace would arrive cut.
 */
import { countFitting, type BatchEncoder, type Queued } from '../encoding/batch-encoders';
import type { BoundedQueue } from './bounded-queue';
import type { StatsCounter } from './export-stats';
import { frontGroupRoot, shiftFrontGroup, wholeGroupCount } from './queued-groups';

/** The server refuses items older than 10 minutes; leave a margin for the trip. */
export const STALE_AFTER_MS = 9 * 60_000;

/** The next batch; empty when the item at the front could go in no request (dropped, `too_large`) or nothing is left. */
export function takeNextBatch<T>(queue: BoundedQueue<Queued<T>>, encoder: BatchEncoder<T>, timeOf: (item: T) => number, stats: StatsCounter): Queued<T>[] {
  const staleBefore = Date.now() - STALE_AFTER_MS;
  while (queue.size > 0) {
    const first = queue.peek()!;
    if (timeOf(frontGroupRoot(queue).item) < staleBefore) {
      stats.drop('stale', shiftFrontGroup(queue));
      continue;
    }
    if (first.bytes < 0 && !encoder.measure(first)) {
      stats.drop('encode_failed', shiftFrontGroup(queue));
      continue;
    }
    break;
  }
  const available = Math.min(queue.size, encoder.maxItems);
  for (let i = 1; i < available; i++) {
    const entry = queue.peek(i)!;
    if (entry.bytes < 0 && !encoder.measure(entry)) entry.bytes = Number.MAX_SAFE_INTEGER;
  }
  const peek = (i: number) => queue.peek(i);
  const count = wholeGroupCount(peek, countFitting(encoder, peek, available));
  if (count === 0 && queue.size > 0) {
    stats.drop('too_large', shiftFrontGroup(queue));
    return [];
  }
  const batch: Queued<T>[] = [];
  for (let i = 0; i < count; i++) batch.push(queue.shift()!);
  return batch;
}

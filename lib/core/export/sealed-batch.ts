/**
 * A batch already encrypted into its envelope, with what the lane and the spool need to know
 * about it without opening it: how many items it holds and the time range they describe
 * (the server refuses items older than its window, so a stale envelope is dropped unsent).
 */
import type { KeyObject } from 'node:crypto';
import { encryptEnvelope } from '../crypto/envelope';
import type { BatchEncoder, Queued } from '../encoding/batch-encoders';

export interface SealedBatch {
  envelope: Buffer;
  count: number;
  /** Wall-clock ms of the oldest and newest item. */
  oldest: number;
  newest: number;
}

export function sealBatch<T>(batch: readonly Queued<T>[], encoder: BatchEncoder<T>, publicKey: KeyObject, timeOf: (item: T) => number): SealedBatch {
  let oldest = Infinity;
  let newest = -Infinity;
  for (const entry of batch) {
    const time = timeOf(entry.item);
    if (time < oldest) oldest = time;
    if (time > newest) newest = time;
  }
  return { envelope: encryptEnvelope(encoder.encode(batch), publicKey), count: batch.length, oldest, newest };
}

/** Sealed batches waiting in a lane, front first, with the number of items they hold. */
export class SealedBacklog {
  private readonly batches: SealedBatch[] = [];
  items = 0;

  push(batch: SealedBatch): void {
    this.batches.push(batch);
    this.items += batch.count;
  }

  /** Back to the front, for a retry. */
  unshift(batch: SealedBatch): void {
    this.batches.unshift(batch);
    this.items += batch.count;
  }

  shift(): SealedBatch | undefined {
    const batch = this.batches.shift();
    if (batch !== undefined) this.items -= batch.count;
    return batch;
  }

  takeAll(): SealedBatch[] {
    this.items = 0;
    return this.batches.splice(0);
  }
}

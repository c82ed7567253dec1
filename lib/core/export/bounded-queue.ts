/**
 * A FIFO with a hard cap: a push into a full queue is refused (the caller counts the drop),
 * so memory stays bounded whatever the ingest does. O(1) push and shift.
 */
export class BoundedQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): boolean {
    if (this.size >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  peek(index = 0): T | undefined {
    return this.items[this.head + index];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    // Compact once the dead prefix dominates, so the array does not grow forever.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Puts a failed batch back at the front, as far as the cap allows; returns how many did not fit. */
  unshiftAll(batch: readonly T[]): number {
    const room = Math.max(0, this.capacity - this.size);
    const kept = batch.length <= room ? batch : batch.slice(0, room);
    this.items = [...kept, ...this.items.slice(this.head)];
    this.head = 0;
    return batch.length - kept.length;
  }

  drain(): T[] {
    const all = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return all;
  }
}

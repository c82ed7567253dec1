/** A full queue under load drops on every item: say so now and then, never per item. */
import type { TeracronLogger } from '../logger';

const WARNING_EVERY_MS = 60_000;

export class QueueFullWarning {
  private lastWarning = 0;
  private sinceWarning = 0;

  constructor(
    private readonly kind: string,
    private readonly capacity: number,
    private readonly logger: TeracronLogger,
  ) {}

  /** One more item refused by the full queue. */
  dropped(): void {
    // Read the clock on the first drop, then every 256th.
    if ((this.sinceWarning++ & 255) !== 0) return;
    const now = Date.now();
    if (now - this.lastWarning < WARNING_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn(`the ${this.kind} queue is full (${this.capacity} items): dropped ${this.sinceWarning} since the last warning; the ingest may be unreachable or too slow`);
    this.sinceWarning = 0;
  }
}

/**
 * Client-side pacing under the per-slug limits of PROTOCOL.md §5, so a burst of flushes
 * does not earn 429s: a bucket of `perMinute` tokens refilled continuously.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = perMinute;
    this.last = now();
  }

  /** Takes a token when there is one; otherwise returns the ms until the next. */
  take(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute);
  }

  setPerMinute(perMinute: number): void {
    if (!(perMinute > 0) || perMinute === this.perMinute) return;
    this.refill();
    this.perMinute = perMinute;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
    this.last = now;
  }
}

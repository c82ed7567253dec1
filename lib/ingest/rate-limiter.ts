/**
 * Fixed one-minute windows per slug and route, as a production ingest counts them.
 * `retryAfterSeconds` says when the current window ends. Bounded: windows are kept in the order
 * they started, so expired ones are pruned from the front on every request and by `prune()`;
 * past MAX_WINDOWS live windows (a flood of made-up slugs) the oldest is forgotten.
 */
const WINDOW_MS = 60_000;
export const MAX_RATE_WINDOWS = 10_000;

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxWindows = MAX_RATE_WINDOWS,
  ) {}

  /** Windows held now; never above maxWindows. */
  get size(): number {
    return this.windows.size;
  }

  /** Counts one request; returns 0 when allowed, else the seconds until the window resets. */
  take(key: string, limitPerMinute: number): number {
    const now = this.now();
    this.prune(now);
    let window = this.windows.get(key);
    if (window && now - window.start >= WINDOW_MS) {
      // Re-inserted below, so the map stays in start order.
      this.windows.delete(key);
      window = undefined;
    }
    if (!window) {
      if (this.windows.size >= this.maxWindows) this.windows.delete(this.windows.keys().next().value!);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= limitPerMinute) return Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
    window.count++;
    return 0;
  }

  /** Drops the windows that have ended (all at the front: the map is in start order). */
  prune(now = this.now()): void {
    for (const [key, window] of this.windows) {
      if (now - window.start < WINDOW_MS) break;
      this.windows.delete(key);
    }
  }
}

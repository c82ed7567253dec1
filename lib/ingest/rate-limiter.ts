/**
 * Fixed one-minute windows per slug and route, as a production ingest counts them.
 * `retryAfterSeconds` says when the current window ends.
 */
const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one request; returns 0 when allowed, else the seconds until the window resets. */
  take(key: string, limitPerMinute: number): number {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= WINDOW_MS) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= limitPerMinute) return Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
    window.count++;
    return 0;
  }
}

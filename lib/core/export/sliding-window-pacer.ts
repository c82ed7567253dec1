/**
 * Pacing for the traces lane under adaptive sampling: at most `perMinute` requests in any 60 s,
 * counted over a sliding window of the send times. The ingest counts fixed one-minute windows
 * (PROTOCOL.md §5), and any fixed window lies inside some sliding one, so this process alone
 * never exceeds its share there, while a few quick flushes still leave at once.
 */
const WINDOW_MS = 60_000;

export class SlidingWindowPacer {
  private readonly sent: number[] = [];

  constructor(
    private perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a slot when there is one; otherwise returns the ms until the next. */
  take(): number {
    const now = this.now();
    while (this.sent.length > 0 && now - this.sent[0]! >= WINDOW_MS) this.sent.shift();
    const allowed = Math.max(1, Math.floor(this.perMinute));
    if (this.sent.length < allowed) {
      this.sent.push(now);
      return 0;
    }
    return Math.max(1, this.sent[this.sent.length - allowed]! + WINDOW_MS - now);
  }

  /** The last slot taken was answered 429: the ingest did not count it. */
  refund(): void {
    this.sent.pop();
  }

  /** The share of this minute's slots in use (0–1). */
  usedShare(): number {
    const now = this.now();
    let used = 0;
    for (const at of this.sent) if (now - at < WINDOW_MS) used++;
    return used / Math.max(1, Math.floor(this.perMinute));
  }

  setPerMinute(perMinute: number): void {
    if (perMinute > 0) this.perMinute = perMinute;
  }
}

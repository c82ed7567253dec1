/**
 * This process's share of the key's trace budget (PROTOCOL.md §5: 30 requests of at most 100
 * spans a minute per project, shared by every process on the key). It starts at the configured
 * share and learns from 429s: cut by 40 % once per episode, given back 5 % at a time after 30 s
 * without one (AIMD), so processes that share a key settle on a split without a storm of 429s.
 * A 429 while this process used less than half of its minute's requests is counted, not learned
 * from: it says little about this process's share (a short outage answered 429, a burst elsewhere).
 */
import { INGEST_CONTRACT, MAX_SPANS_PER_REQUEST } from '../ingest-contract';

/** Requests are paced to 90 % of the share, so clock skew and retries stay inside the limit. */
const FILL = 0.9;
const MIN_SHARE = 0.05;
const CUT = 0.6;
/** 429s closer together than this are one episode (one cut). */
const EPISODE_MS = 10_000;
const QUIET_BEFORE_RAISE_MS = 30_000;
const RAISE_EVERY_MS = 10_000;
const RAISE_STEP = 0.05;

export class TraceBudget {
  share: number;
  rateLimitedCount = 0;
  private lastCut = -Infinity;
  private lastRaise = -Infinity;

  constructor(
    readonly configuredShare: number,
    private readonly now: () => number = Date.now,
  ) {
    this.share = configuredShare;
  }

  /** Trace requests a minute this process paces itself to. */
  get requestsPerMinute(): number {
    return INGEST_CONTRACT.traces.perMinute * this.share * FILL;
  }

  /** Spans a second those requests carry when full. */
  get spansPerSecond(): number {
    return (this.requestsPerMinute * MAX_SPANS_PER_REQUEST) / 60;
  }

  /** The ingest answered 429: someone else on the key uses part of the budget. */
  rateLimited(usedShare = 1): void {
    this.rateLimitedCount++;
    if (usedShare < 0.5) return;
    const now = this.now();
    if (now - this.lastCut < EPISODE_MS) return;
    this.lastCut = now;
    this.lastRaise = now;
    this.share = Math.max(MIN_SHARE * this.configuredShare, this.share * CUT);
  }

  /** Called on the controller's tick: gives back share after a quiet while. */
  tick(): void {
    if (this.share >= this.configuredShare) return;
    const now = this.now();
    if (now - this.lastCut < QUIET_BEFORE_RAISE_MS || now - this.lastRaise < RAISE_EVERY_MS) return;
    this.lastRaise = now;
    this.share = Math.min(this.configuredShare, this.share + RAISE_STEP * this.configuredShare);
  }
}

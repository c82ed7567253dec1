/**
 * The client's trace sampling: the effective rate the tracing engine decides local traces at,
 * the counts `stats().traces` reports, and the failure share. A timer calls `tick()` every
 * CONTROLLER_TICK_MS and seals the sample windows (sample-window.ts); the hot path (`admit`) is a few
 * counter increments and a comparison.
 */
import type { RootSampler } from '../trace-sink';
import { CONTROLLER_TICK_MS, SampleRateController } from './sample-rate-controller';
import { SampleWindows, type SampleWindow } from './sample-window';
import type { TraceBudget } from './trace-budget';

/** Failed roots sent alone may use up to this share of the process's span budget; the sampled traces get the rest. */
export const FAILURE_SHARE = 0.2;
/** A trace is admitted only while the export queue is below this share of its capacity, so its spans find room. */
const ADMIT_BELOW = 0.5;
/** Failure tokens saved up: this many seconds of the failure share. */
const FAILURE_BURST_SECONDS = 10;

export interface TraceSamplingStats {
  /** Local traces started. */
  offered: number;
  /** Kept: their spans are recorded and sent together. */
  kept: number;
  /** Not kept by the effective rate. */
  unsampled: number;
  /** Kept by the rate but not sent: not admitted (the export queue was too full for a whole trace), or admitted and then dropped whole at its root's end (no room, a cap, the client stopped). */
  dropped: number;
  /** Failed roots of traces not kept, sent alone within the failure share. */
  keptOnFailure: number;
  /** Failed roots beyond the failure share. */
  failuresNotKept: number;
  effectiveRate: number;
  configuredRate: number;
  /** This process's learned share of the key's trace budget (0–1). */
  budgetShare: number;
  /** 429s the traces lane was answered. */
  rateLimited: number;
}

export interface TraceSamplerSettings {
  configuredRate: number;
  adaptive: boolean;
  budget: TraceBudget;
  /** Spans the export queue holds now (held spans of open traces included), and at most. */
  queueSize(): number;
  queueCapacity: number;
  /** Spans recorded so far (the lane's enqueued count). */
  spansRecorded(): number;
  now?: () => number;
}

export class TraceSampler implements RootSampler {
  effectiveRate: number;
  readonly keepsFailures: boolean;
  private offered = 0;
  private kept = 0;
  private unsampled = 0;
  private dropped = 0;
  /** Of the kept, dropped whole after admission (lost()): reported as dropped, not kept. */
  private lostAfterAdmit = 0;
  private keptOnFailure = 0;
  private failuresNotKept = 0;
  private readonly controller: SampleRateController;
  /** The windows sample_rate is made exact in: traces started here, and traces continued from another process. */
  private readonly newTraces = new SampleWindows();
  private readonly continuedTraces = new SampleWindows();
  private readonly now: () => number;
  private readonly admitBelow: number;
  private failureTokens: number;
  private failureRefilledAt: number;
  private last = { offered: 0, kept: 0, spans: 0, failures: 0 };

  constructor(private readonly settings: TraceSamplerSettings) {
    this.effectiveRate = settings.configuredRate;
    this.keepsFailures = settings.adaptive;
    this.controller = new SampleRateController(settings.configuredRate);
    this.now = settings.now ?? Date.now;
    this.admitBelow = settings.adaptive ? settings.queueCapacity * ADMIT_BELOW : Infinity;
    this.failureTokens = this.failureBurst();
    this.failureRefilledAt = this.now();
  }

  admit(keptByRate: boolean, newTrace: boolean): SampleWindow | null {
    this.offered++;
    const window = (newTrace ? this.newTraces : this.continuedTraces).current;
    window.offered++;
    if (!keptByRate) {
      this.unsampled++;
      return null;
    }
    if (this.settings.queueSize() >= this.admitBelow) {
      this.dropped++;
      return null;
    }
    this.kept++;
    window.kept++;
    return window;
  }

  takeFailure(newTrace: boolean): boolean {
    if (!this.keepsFailures) return false;
    const now = this.now();
    const perMs = (this.settings.budget.spansPerSecond * FAILURE_SHARE) / 1000;
    this.failureTokens = Math.min(this.failureBurst(), this.failureTokens + (now - this.failureRefilledAt) * perMs);
    this.failureRefilledAt = now;
    if (this.failureTokens < 1) {
      this.failuresNotKept++;
      return false;
    }
    this.failureTokens--;
    this.keptOnFailure++;
    (newTrace ? this.newTraces : this.continuedTraces).current.alone++;
    return true;
  }

  /**
   * Traces started here that no kept root stands for yet: the open window's offered count when it
   * has kept none so far (less the failed roots sent alone, which count themselves). What
   * Σ 1 / sample_rate over the roots sent falls short of the traces offered, besides roots lost.
   */
  unattributed(): number {
    return this.newTraces.unattributed();
  }

  lost(window: SampleWindow): void {
    this.lostAfterAdmit++;
    window.lose();
  }

  withdraw(newTrace: boolean): void {
    const window = (newTrace ? this.newTraces : this.continuedTraces).current;
    if (window.offered > window.kept) window.offered--;
  }

  /** Seals the open windows (every tick). */
  sealWindows(): void {
    this.newTraces.seal();
    this.continuedTraces.seal();
  }

  /** Before the export lane encodes: every kept root queued gets its final sample_rate. */
  finalizeWindows(): void {
    this.newTraces.finalize();
    this.continuedTraces.finalize();
  }

  /** One controller step: every CONTROLLER_TICK_MS from the client's timer, or from a test. */
  tick(): void {
    this.sealWindows();
    const budget = this.settings.budget;
    budget.tick();
    if (!this.settings.adaptive) return;
    const spans = this.settings.spansRecorded();
    const failures = this.keptOnFailure;
    const last = this.last;
    this.effectiveRate = this.controller.tick({
      offeredTraces: this.offered - last.offered,
      keptTraces: this.kept - last.kept,
      keptSpans: Math.max(0, spans - last.spans - (failures - last.failures)),
      otherSpans: failures - last.failures,
      budgetSpansPerSecond: budget.spansPerSecond,
      backlogSpans: this.settings.queueSize(),
    });
    this.last = { offered: this.offered, kept: this.kept, spans, failures };
  }

  snapshot(): TraceSamplingStats {
    return {
      offered: this.offered,
      kept: this.kept - this.lostAfterAdmit,
      unsampled: this.unsampled,
      dropped: this.dropped + this.lostAfterAdmit,
      keptOnFailure: this.keptOnFailure,
      failuresNotKept: this.failuresNotKept,
      effectiveRate: this.effectiveRate,
      configuredRate: this.settings.configuredRate,
      budgetShare: this.settings.budget.share,
      rateLimited: this.settings.budget.rateLimitedCount,
    };
  }

  private failureBurst(): number {
    return this.settings.budget.spansPerSecond * FAILURE_SHARE * FAILURE_BURST_SECONDS;
  }
}

export { CONTROLLER_TICK_MS };

/**
 * The effective trace sample rate under the ingest's budget: a measured-rate controller over a
 * sliding window. Pure (no clock, no timers): the sampler feeds it one tick of counts at a time,
 * so tests can run minutes of load in simulated time.
 *
 * Lowers at once when the offered spans exceed the budget (the latest tick counts as much as the
 * window), raises only when the window says there is 20 % room, at most doubling per tick, and
 * never above the configured rate. Lowering on the latest tick and raising on the window is the
 * hysteresis: a steady load holds a steady rate.
 */
import { MAX_SPANS_PER_REQUEST } from '../ingest-contract';

export interface ControllerTick {
  /** Local traces started during the tick (kept or not). */
  offeredTraces: number;
  /** Of those, kept by the rate. */
  keptTraces: number;
  /** Spans of kept traces recorded during the tick. */
  keptSpans: number;
  /** Other spans sent from the same budget during the tick (failed roots sent alone). */
  otherSpans: number;
  /** What this process may send now, in spans a second. */
  budgetSpansPerSecond: number;
  /** Spans waiting in the export queue. */
  backlogSpans: number;
}

/** Ticks per window and the tick's length: a 5 s window moved every 250 ms. */
export const CONTROLLER_TICK_MS = 250;
export const CONTROLLER_WINDOW_TICKS = 20;
/** A burst of spans the budget of the window plus this much queue takes is kept whole (not sampled down). */
export const QUEUE_HEADROOM_SPANS = 5 * MAX_SPANS_PER_REQUEST;
/** A backlog beyond two full requests is drained over this many seconds by lowering the rate. */
const BACKLOG_DRAIN_SECONDS = 30;
const RAISE_ROOM = 1.2;
const LOWER_ROOM = 0.95;

export class SampleRateController {
  rate: number;
  private readonly offered = new Float64Array(CONTROLLER_WINDOW_TICKS);
  private readonly keptTraces = new Float64Array(CONTROLLER_WINDOW_TICKS);
  private readonly keptSpans = new Float64Array(CONTROLLER_WINDOW_TICKS);
  private readonly otherSpans = new Float64Array(CONTROLLER_WINDOW_TICKS);
  private slot = 0;

  constructor(private readonly maxRate: number) {
    this.rate = maxRate;
  }

  /** One tick's counts in; the rate for the next tick out. */
  tick(input: ControllerTick): number {
    const i = this.slot;
    this.offered[i] = input.offeredTraces;
    this.keptTraces[i] = input.keptTraces;
    this.keptSpans[i] = input.keptSpans;
    this.otherSpans[i] = input.otherSpans;
    this.slot = (i + 1) % CONTROLLER_WINDOW_TICKS;
    const target = this.target(input);
    if (target < this.rate * LOWER_ROOM) this.rate = target;
    else if (target > this.rate * RAISE_ROOM) this.rate = Math.min(target, this.rate * 2);
    else if (target >= this.maxRate) this.rate = this.maxRate;
    return this.rate;
  }

  private target(input: ControllerTick): number {
    const tickSeconds = CONTROLLER_TICK_MS / 1000;
    const windowSeconds = CONTROLLER_WINDOW_TICKS * tickSeconds;
    const windowOffered = sum(this.offered);
    if (windowOffered <= 0 || this.maxRate <= 0) return this.maxRate;
    const windowKept = sum(this.keptTraces);
    // Spans per trace as measured on the traces kept; one until there are some.
    const spansPerTrace = windowKept > 0 ? Math.max(1, sum(this.keptSpans) / windowKept) : 1;
    // A burst the budget and the queue's headroom take whole is not sampled down.
    if (input.backlogSpans <= QUEUE_HEADROOM_SPANS && windowOffered * spansPerTrace <= input.budgetSpansPerSecond * windowSeconds + QUEUE_HEADROOM_SPANS) return this.maxRate;
    const offeredPerSecond = Math.max(input.offeredTraces / tickSeconds, windowOffered / windowSeconds);
    const excess = Math.max(0, input.backlogSpans - 2 * MAX_SPANS_PER_REQUEST);
    const others = sum(this.otherSpans) / windowSeconds;
    const budget = Math.max(input.budgetSpansPerSecond * 0.1, input.budgetSpansPerSecond - others - excess / BACKLOG_DRAIN_SECONDS);
    return Math.min(this.maxRate, budget / (offeredPerSecond * spansPerTrace));
  }
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

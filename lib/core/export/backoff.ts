/** Exponential backoff with full jitter: a fleet that failed together does not retry together. */
export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 1_000, maxMs: 60_000 };

export function backoffDelayMs(attempt: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.min(attempt, 30));
  return Math.max(settings.baseMs / 2, Math.round(ceiling * random()));
}

/**
 * The wait before retry number `attempt`: the server's Retry-After when it gives a positive one,
 * never less than the backoff's floor (baseMs / 2, 500 ms by default); otherwise the backoff. A
 * Retry-After of 0, negative or in the past counts as none, so no answer can make a lane spin.
 */
export function retryWaitMs(attempt: number, retryAfterMs: number | undefined, settings: BackoffSettings, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined && retryAfterMs > 0) return Math.max(retryAfterMs, settings.baseMs / 2);
  return backoffDelayMs(attempt, settings, random);
}

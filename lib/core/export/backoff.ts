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

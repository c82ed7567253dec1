/**
 * The names every options object may hold, and the warning for one it may not: a typo such as
 * `excludes` would otherwise be ignored without a word. Values are never printed (they may be keys).
 */
import type { TeracronOptions } from './options';

/** Every key of TeracronOptions; the Record type makes the compiler list a new option here. */
const CORE_KEYS: Record<keyof TeracronOptions, true> = {
  apiKey: true,
  projectSlug: true,
  publicKey: true,
  domain: true,
  allowCustomDomain: true,
  intervalSeconds: true,
  maxBufferSize: true,
  flushDeadlineSeconds: true,
  timeoutSeconds: true,
  debug: true,
  targetPid: true,
  tracingEnabled: true,
  traceBatchSize: true,
  traceFlushIntervalSeconds: true,
  traceSampleRate: true,
  traceEmitEvents: true,
  traceAdaptiveSampling: true,
  traceBudgetShare: true,
  tracingScrubber: true,
  spool: true,
  logger: true,
};

export const CORE_OPTION_KEYS = Object.keys(CORE_KEYS) as ReadonlyArray<keyof TeracronOptions>;

/**
 * One warning per own key of `options` that is not in `validKeys`, naming the closest valid key.
 * `source` says where the options came from, e.g. "TeracronModule options".
 */
export function unknownOptionWarnings(options: object, validKeys: readonly string[], source: string): string[] {
  const warnings: string[] = [];
  for (const key of Object.keys(options)) {
    if (validKeys.includes(key)) continue;
    const shown = printableKey(key);
    const closest = closestKey(key, validKeys);
    warnings.push(`Unknown Teracron option '${shown}' in ${source}: it is ignored.${closest === undefined ? '' : ` Did you mean '${closest}'?`}`);
  }
  return warnings;
}

function printableKey(key: string): string {
  const clean = key.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}

function closestKey(key: string, validKeys: readonly string[]): string | undefined {
  const wanted = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of validKeys) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance with one row of memory; keys are short. */
function editDistance(a: string, b: string): number {
  if (a.length > 200 || b.length > 200) return Math.abs(a.length - b.length) + 200;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * Deterministic per-trace sampling (PROTOCOL.md §8), equal to the reference bit for bit:
 * sample iff the first 8 bytes of MD5(trace id), big-endian, are ≤ T = floor(rate × 2^64)
 * computed in IEEE doubles (where 2^64 − 1 rounds to 2^64). T is split into two exact 32-bit
 * halves once per rate, so the comparison needs no BigInt.
 */
import { createHash } from 'node:crypto';
import { md5Prefix, md5PrefixOf } from './md5-prefix';

let thresholdRate = Number.NaN;
let thresholdHigh = 0;
let thresholdLow = 0;

export function shouldSample(traceId: string, rate: number): boolean {
  if (!(rate > 0)) return false;
  if (rate >= 1) return true;
  if (rate !== thresholdRate) {
    const threshold = Math.floor(rate * 2 ** 64);
    thresholdHigh = Math.floor(threshold / 2 ** 32);
    thresholdLow = threshold - thresholdHigh * 2 ** 32;
    thresholdRate = rate;
  }
  let high: number;
  let low: number;
  if (md5PrefixOf(traceId)) {
    high = md5Prefix[0]!;
    low = md5Prefix[1]!;
  } else {
    const digest = createHash('md5').update(traceId, 'utf8').digest();
    high = digest.readUInt32BE(0);
    low = digest.readUInt32BE(4);
  }
  return high < thresholdHigh || (high === thresholdHigh && low <= thresholdLow);
}

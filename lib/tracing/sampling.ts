/**
 * Deterministic per-trace sampling (PROTOCOL.md §8), equal to the reference bit for bit:
 * the threshold is computed in IEEE doubles, where 2^64 - 1 rounds to 2^64.
 */
import { createHash } from 'node:crypto';

export function shouldSample(traceId: string, rate: number): boolean {
  if (!(rate > 0)) return false;
  if (rate >= 1) return true;
  const h = createHash('md5').update(traceId, 'utf8').digest().readBigUInt64BE(0);
  return h <= BigInt(Math.floor(rate * 2 ** 64));
}

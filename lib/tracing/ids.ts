/**
 * 128-bit trace and span ids as 32 lowercase hex characters, cut from a pooled random buffer
 * so a span costs no system call; the pool is refilled every 256 ids.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const ID_BYTES = 16;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

function nextId(): string {
  if (offset + ID_BYTES > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  // An all-zero id is reserved as invalid by W3C-style consumers; vanishingly rare, but cheap to avoid.
  return id === '00000000000000000000000000000000' ? nextId() : id;
}

export const newTraceId: () => string = nextId;
export const newSpanId: () => string = nextId;

/**
 * The first 8 bytes of MD5 (RFC 1321) of a short ASCII string, in plain JavaScript: the sampling
 * decision (sampling.ts) hashes every local trace's id, and under overload nearly every trace is
 * one not kept, so the hash is most of what such a trace costs. node:crypto's MD5 pays a native
 * call and a Hash object per id (1–3 µs here); one 64-byte block computed in 32-bit integers costs
 * a few hundred nanoseconds. Only inputs of one block (at most 55 ASCII characters, as trace ids
 * are) are taken; the caller hashes anything else with node:crypto.
 */
const K = new Int32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0;
const SHIFTS = new Uint8Array([7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]);
const block = new Int32Array(16);

/** The digest's bytes 0–3 and 4–7, each read big-endian; valid until the next call. */
export const md5Prefix = new Uint32Array(2);

function bigEndian(word: number): number {
  return (((word & 0xff) << 24) | ((word & 0xff00) << 8) | ((word >>> 8) & 0xff00) | (word >>> 24)) >>> 0;
}

/** Fills md5Prefix and returns true; false (nothing computed) when `text` is not one block of ASCII. */
export function md5PrefixOf(text: string): boolean {
  const length = text.length;
  if (length > 55) return false;
  block.fill(0);
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return false;
    block[i >> 2]! |= code << ((i & 3) << 3);
  }
  block[length >> 2]! |= 0x80 << ((length & 3) << 3);
  block[14] = length << 3;
  let a = 0x67452301;
  let b = 0xefcdab89 | 0;
  let c = 0x98badcfe | 0;
  let d = 0x10325476;
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    f = (f + a + K[i]! + block[g]!) | 0;
    a = d;
    d = c;
    c = b;
    const shift = SHIFTS[((i >> 4) << 2) | (i & 3)]!;
    b = (b + ((f << shift) | (f >>> (32 - shift)))) | 0;
  }
  md5Prefix[0] = bigEndian((a + 0x67452301) | 0);
  md5Prefix[1] = bigEndian((b + (0xefcdab89 | 0)) | 0);
  return true;
}

/**
 * The plain-JavaScript MD5 prefix the sampling decision uses equals node:crypto's, for every
 * length it takes (0–55 ASCII characters), and declines what it does not take.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { md5Prefix, md5PrefixOf } from '../../../lib/tracing/md5-prefix';

/** A deterministic ASCII string of `length` (printable characters 0x20–0x7e). */
function text(length: number, seed: number): string {
  let out = '';
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out += String.fromCharCode(0x20 + (state % 95));
  }
  return out;
}

describe('md5PrefixOf', () => {
  it('equals node:crypto on the first 8 bytes, at every length of one block', () => {
    let compared = 0;
    for (let length = 0; length <= 55; length++) {
      for (let seed = 1; seed <= 40; seed++) {
        const input = text(length, seed * 7919 + length);
        const digest = createHash('md5').update(input, 'utf8').digest();
        assert.equal(md5PrefixOf(input), true);
        assert.equal(md5Prefix[0], digest.readUInt32BE(0), `${JSON.stringify(input)}`);
        assert.equal(md5Prefix[1], digest.readUInt32BE(4), `${JSON.stringify(input)}`);
        compared++;
      }
    }
    assert.equal(compared, 56 * 40);
  });

  it('declines a string longer than one block or with a non-ASCII character', () => {
    assert.equal(md5PrefixOf('a'.repeat(56)), false);
    assert.equal(md5PrefixOf('trace-é'), false);
  });
});

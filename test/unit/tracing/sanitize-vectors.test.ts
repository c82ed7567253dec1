import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cutText, describeValue, sanitizeCaptured, sanitizeMetadata } from '../../../lib/tracing/sanitize';
import { readVector } from '../../support/vectors';

interface Case { name: string; input: Record<string, unknown>; output: Record<string, unknown> | null }
const vectors = readVector<{ metadata: Case[]; captured_params: Case[] }>('sanitize.json');

describe('sanitising (PROTOCOL.md §6, vectors/sanitize.json)', () => {
  for (const c of vectors.metadata) {
    it(`metadata: ${c.name}`, () => {
      const output = sanitizeMetadata(c.input);
      if (c.name.startsWith('astral')) {
        // Documented difference: we cut at 1 024 UTF-16 units (the server's unit), never inside a pair.
        const value = output!.emoji as string;
        assert.equal(value.length, 1024);
        assert.equal(value, (c.input.emoji as string).slice(0, 1024));
        return;
      }
      assert.deepEqual(output, c.output);
    });
  }

  for (const c of vectors.captured_params) {
    it(`captured params: ${c.name}`, () => {
      const output = sanitizeCaptured(c.input);
      if (c.name.includes('python-specific')) {
        // Same rule, Node's string form: JSON for objects and arrays, "null" for null.
        for (const key of Object.keys(c.input)) assert.equal(output![key], describeValue(c.input[key]));
        return;
      }
      if (c.name.startsWith('repr longer')) {
        assert.equal((output!.big as string).length, 512);
        return;
      }
      assert.deepEqual(output, c.output);
    });
  }

  it('drops non-finite numbers and never splits a surrogate pair', () => {
    assert.deepEqual(sanitizeMetadata({ a: Number.NaN, b: Infinity, c: 1 }), { c: 1 });
    assert.deepEqual(sanitizeCaptured({ a: Number.NaN, b: 2 }), { b: 2 });
    const text = 'a' + '😀'.repeat(10);
    assert.equal(cutText(text, 4), 'a😀');
  });

  it('describes hostile values without throwing', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const getter = Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('no'); } });
    const bare = Object.create(null) as object;
    assert.equal(describeValue(circular), '{"a":1,"self":"[Circular]"}');
    assert.equal(describeValue(10n), '10n');
    assert.equal(describeValue(Symbol('s')), 'Symbol(s)');
    assert.equal(describeValue(getter), '[object Object]');
    assert.equal(describeValue(bare), '{}');
    assert.deepEqual(sanitizeCaptured({ circular, getter, big: { n: 5n } }), { circular: '{"a":1,"self":"[Circular]"}', getter: '[object Object]', big: '{"n":"5n"}' });
  });
});

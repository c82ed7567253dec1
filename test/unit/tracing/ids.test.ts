import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newSpanId, newTraceId } from '../../../lib/tracing/ids';

describe('trace and span ids', () => {
  it('are 32 lowercase hex characters, never all zeros, and distinct across many pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const id = i % 2 === 0 ? newTraceId() : newSpanId();
      assert.match(id, /^[0-9a-f]{32}$/);
      assert.notEqual(id, '0'.repeat(32));
      seen.add(id);
    }
    assert.equal(seen.size, 20_000);
  });

  it('spread over every hex digit at each position (random, not a counter)', () => {
    const digitsAt = Array.from({ length: 32 }, () => new Set<string>());
    for (let i = 0; i < 2_000; i++) {
      const id = newSpanId();
      for (let p = 0; p < 32; p++) digitsAt[p]!.add(id[p]!);
    }
    for (const digits of digitsAt) assert.equal(digits.size, 16);
  });
});

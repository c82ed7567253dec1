import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RATE_WINDOWS, RateLimiter } from '../../../lib/ingest/rate-limiter';

describe('RateLimiter state', () => {
  it(`stays at or under ${MAX_RATE_WINDOWS} windows after 100 000 distinct slugs, and prunes them once they end`, () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now);
    let largest = 0;
    for (let i = 0; i < 100_000; i++) {
      assert.equal(limiter.take(`slug-${i}|traces`, 30), 0);
      largest = Math.max(largest, limiter.size);
      if (i % 100 === 0) now += 1;
    }
    assert.ok(largest <= MAX_RATE_WINDOWS, `held ${largest}`);
    now += 60_000;
    limiter.prune();
    assert.equal(limiter.size, 0);
  });

  it('still limits a busy slug among many others, and renews its window after a minute', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 30; i++) assert.equal(limiter.take('busy', 30), 0);
    for (let i = 0; i < 500; i++) limiter.take(`other-${i}`, 30);
    now += 30_000;
    assert.equal(limiter.take('busy', 30), 30);
    now += 30_000;
    assert.equal(limiter.take('busy', 30), 0);
  });
});

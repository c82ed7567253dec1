import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_BACKOFF, retryWaitMs } from '../../../lib/core/export/backoff';
import { parseRetryAfterMs } from '../../../lib/core/transport/retry-after';

describe('retry waits', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  const floor = DEFAULT_BACKOFF.baseMs / 2;

  for (const header of ['0', '-5', '-0.5', new Date(now - 60_000).toUTCString(), 'soon', '']) {
    it(`Retry-After ${JSON.stringify(header)} never shortens the backoff (at least ${floor} ms, whatever the attempt)`, () => {
      const retryAfter = parseRetryAfterMs(header, now);
      for (let attempt = 0; attempt < 5; attempt++) {
        for (const random of [0, 0.5, 1]) {
          assert.ok(retryWaitMs(attempt, retryAfter, DEFAULT_BACKOFF, () => random) >= floor);
        }
      }
    });
  }

  it('a Retry-After longer than the backoff is honoured', () => {
    assert.equal(retryWaitMs(0, parseRetryAfterMs('7', now), DEFAULT_BACKOFF, () => 1), 7_000);
    assert.equal(retryWaitMs(0, parseRetryAfterMs(new Date(now + 30_000).toUTCString(), now), DEFAULT_BACKOFF, () => 1), 30_000);
  });

  it('a Retry-After of 0 or in the past counts as none: the exponential backoff applies', () => {
    assert.equal(retryWaitMs(3, parseRetryAfterMs('0', now), DEFAULT_BACKOFF, () => 1), 8_000);
    assert.equal(retryWaitMs(3, parseRetryAfterMs(new Date(now - 5_000).toUTCString(), now), DEFAULT_BACKOFF, () => 1), 8_000);
  });

  it('a positive Retry-After is what the server asked for, but never under the floor', () => {
    assert.equal(retryWaitMs(3, parseRetryAfterMs('1', now), DEFAULT_BACKOFF, () => 1), 1_000);
    assert.equal(retryWaitMs(0, parseRetryAfterMs('0.1', now), DEFAULT_BACKOFF, () => 1), floor);
  });
});

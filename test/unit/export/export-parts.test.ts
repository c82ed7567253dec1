import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs, DEFAULT_BACKOFF } from '../../../lib/core/export/backoff';
import { BoundedQueue } from '../../../lib/core/export/bounded-queue';
import { TokenBucket } from '../../../lib/core/export/token-bucket';
import { MAX_RETRY_AFTER_MS, parseRetryAfterMs } from '../../../lib/core/transport/retry-after';
import { countFitting, traceBatchEncoder, type Queued } from '../../../lib/core/encoding/batch-encoders';
import type { SpanRecord } from '../../../lib/core/types';

describe('export parts', () => {
  it('parses Retry-After as seconds or an HTTP date, capped', () => {
    assert.equal(parseRetryAfterMs('1'), 1000);
    assert.equal(parseRetryAfterMs('0.5'), 500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfterMs('999999'), MAX_RETRY_AFTER_MS);
    assert.equal(parseRetryAfterMs('soon'), undefined);
    assert.equal(parseRetryAfterMs(undefined), undefined);
  });

  it('backs off exponentially with jitter, within the cap', () => {
    assert.equal(backoffDelayMs(0, DEFAULT_BACKOFF, () => 1), 1000);
    assert.equal(backoffDelayMs(3, DEFAULT_BACKOFF, () => 1), 8000);
    assert.equal(backoffDelayMs(20, DEFAULT_BACKOFF, () => 1), 60_000);
    assert.equal(backoffDelayMs(5, DEFAULT_BACKOFF, () => 0), 500);
  });

  it('a bounded queue refuses pushes beyond its cap and re-queues a batch at the front', () => {
    const queue = new BoundedQueue<number>(3);
    assert.ok(queue.push(1) && queue.push(2) && queue.push(3));
    assert.equal(queue.push(4), false);
    assert.equal(queue.shift(), 1);
    assert.equal(queue.shift(), 2);
    assert.equal(queue.unshiftAll([1, 2, 9]), 1);
    assert.deepEqual(queue.drain(), [1, 2, 3]);
  });

  it('paces requests: a bucket of N per minute gives N at once, then one every 60/N s', () => {
    let now = 0;
    const bucket = new TokenBucket(30, () => now);
    for (let i = 0; i < 30; i++) assert.equal(bucket.take(), 0);
    assert.equal(bucket.take(), 2000);
    now += 2000;
    assert.equal(bucket.take(), 0);
  });

  it('counts how many spans fit one traces request (≤ 100 and 540 + JSON ≤ 131 072)', () => {
    const encoder = traceBatchEncoder('vivid-kudu-655');
    const entries: Queued<SpanRecord>[] = Array.from({ length: 300 }, () => ({ item: {} as SpanRecord, bytes: 40_000 }));
    assert.equal(countFitting(encoder, (i) => entries[i], 300), 3);
    const small = entries.map((e) => ({ ...e, bytes: 300 }));
    assert.equal(countFitting(encoder, (i) => small[i], 300), 100);
    const huge = [{ item: {} as SpanRecord, bytes: 200_000 }];
    assert.equal(countFitting(encoder, (i) => huge[i], 1), 0);
  });

  it('measures spans in UTF-8 bytes and joins them into one traces body, whatever their characters', () => {
    const encoder = traceBatchEncoder('vivid-kudu-655');
    const operations = ['GET /ping', 'café crème', 'naïve 🧪 test', '東京 支払い', 'x'.repeat(60_000), '€'.repeat(50_000)];
    const entries: Queued<SpanRecord>[] = operations.map((operation) => ({ item: { operation } as SpanRecord, bytes: -1 }));
    for (const entry of entries) {
      assert.equal(encoder.measure(entry), true);
      assert.equal(entry.bytes, Buffer.byteLength(JSON.stringify(entry.item)), (entry.item as { operation: string }).operation.slice(0, 20));
    }
    for (const batch of [entries.slice(0, 4), entries.slice(4, 5), entries.slice(5), entries.slice(1, 3)]) {
      const body = encoder.encode(batch);
      const expected = Buffer.byteLength('{"type":"trace","project_slug":"vivid-kudu-655","spans":[]}') + batch.reduce((sum, entry) => sum + entry.bytes, 0) + batch.length - 1;
      assert.equal(body.length, expected);
      assert.deepEqual(JSON.parse(body.toString('utf8')), { type: 'trace', project_slug: 'vivid-kudu-655', spans: batch.map((entry) => entry.item) });
    }
  });
});

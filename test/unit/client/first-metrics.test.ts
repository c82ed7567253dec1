import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TeracronClient } from '../../../lib/core/client';
import { startTestIngest } from '../../support/start-ingest';
import { testApiKey } from '../../support/test-keys';
import { quietLogger, until } from './client-harness';

const INTERVAL_SECONDS = 5;

function metricsClient(domain: string): TeracronClient {
  return new TeracronClient({ apiKey: testApiKey(), domain, intervalSeconds: INTERVAL_SECONDS, maxBufferSize: 3, flushDeadlineSeconds: 60, spool: false, logger: quietLogger() });
}

describe('the first metrics leave about intervalSeconds after start', () => {
  it('the first sample is sent at once; then samples wait for maxBufferSize (or flushDeadlineSeconds)', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const ingest = await startTestIngest();
    const client = metricsClient(ingest.domain);
    try {
      client.start();
      assert.equal(client.stats().metrics.enqueued, 0, 'nothing is sampled before the first interval');
      t.mock.timers.tick(INTERVAL_SECONDS * 1000);
      await ingest.waitFor((s) => s.metrics().length === 1, 5_000);
      // The ingest stores before it answers: wait for the client to see the answer too.
      await until(() => client.stats().metrics.sent === 1);
      assert.equal(client.stats().metrics.requests, 1);

      t.mock.timers.tick(INTERVAL_SECONDS * 1000);
      await until(() => client.stats().metrics.inQueue === 1);
      t.mock.timers.tick(INTERVAL_SECONDS * 1000);
      await until(() => client.stats().metrics.inQueue === 2);
      assert.equal(client.stats().metrics.requests, 1, 'the second and third samples wait for the buffer to fill');
      t.mock.timers.tick(INTERVAL_SECONDS * 1000);
      await ingest.waitFor((s) => s.metrics().length === 4, 5_000);
      assert.equal(client.stats().metrics.requests, 2, 'the fourth sample fills the buffer (maxBufferSize 3) and they leave together');
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it(`on the real clock, the first batch reaches the ingest within intervalSeconds + 2 s of start`, async (t) => {
    const ingest = await startTestIngest();
    const client = metricsClient(ingest.domain);
    try {
      const started = performance.now();
      client.start();
      await ingest.waitFor((s) => s.metrics().length >= 1, INTERVAL_SECONDS * 1000 + 2_000);
      const took = performance.now() - started;
      t.diagnostic(`first metrics batch after ${Math.round(took)} ms`);
      assert.ok(took <= INTERVAL_SECONDS * 1000 + 2_000);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });
});

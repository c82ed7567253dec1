import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TeracronClient } from '../../../lib/core/client';
import { tricklingServer, unacceptingListener, type HangingEndpoint } from '../../support/hanging-ingests';
import { startTestIngest } from '../../support/start-ingest';
import { testApiKey } from '../../support/test-keys';
import { quietLogger, span } from './client-harness';

const MARGIN_MS = 250;

async function stopTime(domain: string, deadlineMs: number): Promise<{ took: number; client: TeracronClient }> {
  // Metrics on: the last sample at shutdown counts toward the same deadline.
  const client = new TeracronClient({ apiKey: testApiKey(), domain, timeoutSeconds: 30, spool: false, logger: quietLogger() });
  client.start();
  for (let i = 0; i < 150; i++) client.enqueueSpan(span());
  void client.flush();
  const started = performance.now();
  await client.stop(deadlineMs);
  return { took: performance.now() - started, client };
}

describe('client.stop(deadline) with timeoutSeconds 30', () => {
  const endpoints: Array<{ name: string; start(): Promise<HangingEndpoint> }> = [
    { name: 'a connect that never completes', start: unacceptingListener },
    { name: 'a body trickling at 1 byte/s', start: () => tricklingServer('body') },
  ];
  for (const { name, start } of endpoints) {
    it(`returns within 1000 ms + ${MARGIN_MS} ms against ${name}, counting what it could not send`, async (t) => {
      const endpoint = await start();
      try {
        const { took, client } = await stopTime(endpoint.domain, 1000);
        t.diagnostic(`stop(1000) took ${Math.round(took)} ms`);
        assert.ok(took <= 1000 + MARGIN_MS, `stop took ${Math.round(took)} ms`);
        const spans = client.stats().spans;
        assert.equal(spans.dropped.shutdown, 150);
        assert.equal(spans.inFlight + spans.inQueue, 0);
      } finally {
        await endpoint.close();
      }
    });
  }

  it(`returns within 1000 ms + ${MARGIN_MS} ms against an ingest that takes the request and never answers`, async () => {
    const ingest = await startTestIngest();
    ingest.injectFaults({ hang: true, count: Infinity });
    try {
      const { took } = await stopTime(ingest.domain, 1000);
      assert.ok(took <= 1000 + MARGIN_MS, `stop took ${Math.round(took)} ms`);
    } finally {
      await ingest.close();
    }
  });
});

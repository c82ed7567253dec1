import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTeracronClient, TeracronClient } from '../../../lib/core/client';
import { startTestIngest } from '../../support/start-ingest';
import { testApiKey } from '../../support/test-keys';
import { clientFor, largeMetadata, span, until } from './client-harness';

function burnCpu(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) Math.sqrt(Math.random());
}

describe('TeracronClient: export to a real ingest', () => {
  it('ships metrics that the ingest decrypts and decodes with plausible values', async () => {
    const ingest = await startTestIngest();
    const client = new TeracronClient({ apiKey: testApiKey(), domain: ingest.domain, logger: { debug() {}, warn() {}, error() {} } });
    try {
      client.start();
      await client.sampleMetricsNow();
      // Work and a blocked loop between the samples, so CPU and lag have something to report.
      await new Promise((r) => setTimeout(r, 30));
      burnCpu(40);
      await new Promise((r) => setTimeout(r, 30));
      await client.sampleMetricsNow();
      await client.flush();
      await ingest.waitFor((s) => s.metrics().length >= 2);
      const [first, second] = ingest.metrics();
      for (const entry of [first!, second!]) {
        assert.ok(entry.rss > 0);
        assert.ok(entry.heap_used > 0 && entry.heap_used <= entry.heap_total);
        assert.ok(Math.abs(entry.timestamp - Date.now()) < 10_000);
        assert.match(entry.runtime_version, /^\d+\.\d+\.\d+$/);
      }
      assert.equal(first!.cpu_usage_pct, 0, 'the first sample has no CPU figure');
      assert.ok(second!.cpu_usage_pct > 0 && second!.cpu_usage_pct <= 10_000, `cpu ${second!.cpu_usage_pct}`);
      assert.ok(second!.event_loop_lag > 0, `lag ${second!.event_loop_lag}`);
      const request = ingest.requests().find((r) => r.route === 'metrics')!;
      assert.match(request.userAgent ?? '', /^teracron-sdk-node\/\d+\.\d+\.\d+\S* node\/\d+\.\d+\.\d+$/);
      assert.equal(request.mode, 'development');
    } finally {
      await client.stop(2000);
      await ingest.close();
    }
  });

  it('delivers 1 000 spans with large metadata completely, in envelopes that each respect the caps', async () => {
    const ingest = await startTestIngest();
    const client = clientFor(ingest.domain);
    try {
      client.start();
      const sent = Array.from({ length: 1000 }, (_, i) => span({ metadata: i % 2 === 0 ? largeMetadata(i) : { index: i } }));
      for (const s of sent) client.enqueueSpan(s);
      await client.flush();
      await ingest.waitFor((s) => s.spans().length === 1000, 30_000);
      await until(() => client.stats().spans.sent === 1000);
      const received = new Map(ingest.spans().map((s) => [s.span_id, s]));
      for (const s of sent) assert.deepEqual(received.get(s.span_id), s);
      const traceRequests = ingest.requests().filter((r) => r.route === 'traces');
      assert.ok(traceRequests.length >= 500 / 3, `${traceRequests.length} requests`);
      for (const r of traceRequests) {
        assert.equal(r.status, 202);
        assert.ok(r.bytes <= 131_072, `${r.bytes} bytes`);
        assert.ok(r.items <= 100, `${r.items} spans`);
      }
      assert.equal(client.stats().spans.sent, 1000);
      assert.equal(client.stats().spans.droppedTotal, 0);
    } finally {
      await client.stop(2000);
      await ingest.close();
    }
  });

  it('a client without an API key is off: start() makes no request and spans pass through', async () => {
    const ingest = await startTestIngest();
    const client = createTeracronClient({ domain: ingest.domain }, { env: {} });
    client.start();
    client.enqueueSpan(span());
    await client.flush();
    await client.stop(500);
    assert.equal(client.enabled, false);
    assert.equal(client.running, false);
    assert.equal(client.tracing.enabled, false);
    assert.equal(ingest.requests().length, 0);
    await ingest.close();
  });
});

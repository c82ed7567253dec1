import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTeracronClient, TeracronClient } from '../../../lib/core/client';
import { startTestIngest } from '../../support/start-ingest';
import { TEST_PUBLIC_KEY_PEM, testApiKey } from '../../support/test-keys';
import { FAST_RETRIES, quietLogger, span } from './client-harness';

describe('TeracronClient: debug logging never shows secrets or data', () => {
  it('a full run in debug mode logs neither the key, the PEM, payload bytes, metadata nor captured values', async () => {
    const ingest = await startTestIngest();
    const lines: string[] = [];
    const apiKey = testApiKey();
    const client = createTeracronClient({ apiKey, domain: ingest.domain, debug: true, traceEmitEvents: true, logger: quietLogger(lines) }, { env: {}, ...FAST_RETRIES });
    const secrets = ['meta-secret-value-7f3a', 'captured-card-4242', 'meta_secret_key', 'captured_key'];
    client.start();
    await client.sampleMetricsNow();
    client.enqueueSpan(span({ metadata: { meta_secret_key: 'meta-secret-value-7f3a' }, captured_params: { captured_key: 'captured-card-4242' } }));
    client.enqueueEvent({ type: 'retry', workflow: 'payment', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(32), operation: 'op', severity: 'warning', timestamp: Date.now(), metadata: { meta_secret_key: 'meta-secret-value-7f3a' } });
    await client.flush();
    ingest.injectFaults({ status: 401, route: 'traces' });
    client.enqueueSpan(span({ metadata: { meta_secret_key: 'meta-secret-value-7f3a' } }));
    await client.flush();
    await client.stop(1000);
    await ingest.close();

    assert.ok(lines.some((l) => l.startsWith('debug ')), 'debug lines were written');
    assert.ok(lines.some((l) => l.includes('401')), 'the rejection was reported');
    const log = lines.join('\n');
    assert.ok(!log.includes(apiKey) && !log.includes(apiKey.slice(4, 40)), 'no API key');
    for (const pemLine of TEST_PUBLIC_KEY_PEM.split('\n').filter((l) => l.length > 20)) assert.ok(!log.includes(pemLine), 'no PEM line');
    for (const secret of secrets) assert.ok(!log.includes(secret), `no ${secret}`);
    assert.ok(!log.includes('{"'), 'no JSON payload');
    assert.ok(!/[A-Za-z0-9+/]{64,}/.test(log), 'no encoded bytes');
  });
});

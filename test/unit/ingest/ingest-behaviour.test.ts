import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { IngestServer } from '../../../lib/ingest/ingest-server';
import { startTestIngest } from '../../support/start-ingest';
import { TEST_PRIVATE_KEY_PEM, TEST_SLUG } from '../../support/test-keys';
import { ingestHeaders, makeSpan, rawRequest, traceBody } from './ingest-http';

const post = (ingest: IngestServer, headers = ingestHeaders()) => rawRequest(ingest.port, { path: '/api/v1/traces', headers, body: traceBody([makeSpan()]) });

describe('ingest server: behaviour', () => {
  it('rate-limits per slug and route with 429 and Retry-After', async () => {
    const ingest = await startTestIngest({ rateLimits: { traces: 2 } });
    try {
      assert.equal((await post(ingest)).status, 202);
      assert.equal((await post(ingest)).status, 202);
      const limited = await post(ingest);
      assert.equal(limited.status, 429);
      const wait = Number(limited.headers['retry-after']);
      assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
      // Other routes have their own budget.
      const events = await rawRequest(ingest.port, { path: '/api/v1/events', headers: ingestHeaders(), body: Buffer.from('x') });
      assert.equal(events.status, 401);
    } finally {
      await ingest.close();
    }
  });

  it('picks the private key by X-Project-Mode (production when absent)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const ingest = await IngestServer.start({ projects: [{ slug: TEST_SLUG, keys: { development: TEST_PRIVATE_KEY_PEM, production: other } }], rateLimits: false });
    try {
      assert.equal((await post(ingest, ingestHeaders({ 'x-project-mode': 'development' }))).status, 202);
      assert.equal((await post(ingest, ingestHeaders({ 'x-project-mode': 'production' }))).status, 401);
      const { 'x-project-mode': _omitted, ...noMode } = ingestHeaders();
      assert.equal((await post(ingest, noMode)).status, 401);
      assert.equal((await post(ingest, ingestHeaders({ 'x-project-mode': 'staging' }))).status, 400);
    } finally {
      await ingest.close();
    }
  });

  it('injects fixed statuses for the next N requests, then behaves normally', async () => {
    const ingest = await startTestIngest();
    try {
      ingest.injectFaults({ status: 503, count: 2, retryAfter: 7 });
      const first = await post(ingest);
      assert.equal(first.status, 503);
      assert.equal(first.headers['retry-after'], '7');
      assert.equal((await post(ingest)).status, 503);
      assert.equal((await post(ingest)).status, 202);
      assert.equal(ingest.spans().length, 1);
    } finally {
      await ingest.close();
    }
  });

  it('drops connections on request, and close() ends hanging requests promptly', async () => {
    const ingest = await startTestIngest();
    ingest.injectFaults({ dropConnection: true });
    await assert.rejects(post(ingest));
    ingest.injectFaults({ hang: true });
    const hanging = post(ingest).then(
      () => 'answered',
      () => 'closed',
    );
    await ingest.waitFor((s) => s.requests().length >= 2);
    const started = Date.now();
    await ingest.close();
    assert.equal(await hanging, 'closed');
    assert.ok(Date.now() - started < 2000);
  });

  it('waitFor resolves on the request that satisfies it and rejects with a clear message on timeout', async () => {
    const ingest = await startTestIngest();
    try {
      const waiting = ingest.waitFor((s) => s.spans().length === 1, 3000);
      await post(ingest);
      await waiting;
      await assert.rejects(ingest.waitFor(() => false, 100), /condition not met within 100 ms \(1 requests seen, 1 spans/);
    } finally {
      await ingest.close();
    }
  });

  it('emits each accepted batch and keeps at most maxRecords items', async () => {
    const ingest = await startTestIngest({ maxRecords: 2 });
    try {
      const batches: Array<{ kind: string; items: unknown[] }> = [];
      ingest.on('accepted', (batch) => batches.push(batch));
      for (let i = 0; i < 3; i++) await post(ingest);
      assert.equal(batches.length, 3);
      assert.equal(batches[0]!.kind, 'traces');
      assert.equal(ingest.spans().length, 2);
    } finally {
      await ingest.close();
    }
  });

  it('listens on loopback only', async () => {
    await assert.rejects(IngestServer.start({ projects: [], host: '0.0.0.0' }), /loopback only/);
  });
});

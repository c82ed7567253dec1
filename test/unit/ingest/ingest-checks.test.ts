import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMetricsBatch } from '../../../lib/core/encoding/metrics-protobuf';
import type { IngestServer } from '../../../lib/ingest/ingest-server';
import { startTestIngest } from '../../support/start-ingest';
import { readVector } from '../../support/vectors';
import { ingestHeaders, makeEvent, makeSpan, rawRequest, sealed, traceBody } from './ingest-http';

describe('ingest server: the checks of PROTOCOL.md §5, in order', () => {
  let ingest: IngestServer;
  before(async () => {
    ingest = await startTestIngest();
  });
  after(() => ingest.close());

  it('answers 404 for an unknown path and 405 for GET on a route', async () => {
    assert.equal((await rawRequest(ingest.port, { path: '/api/v2/traces', headers: ingestHeaders(), body: traceBody([makeSpan()]) })).status, 404);
    const get = await rawRequest(ingest.port, { method: 'GET', path: '/api/v1/traces' });
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
  });

  it('answers 400 for a malformed slug before looking at the media type', async () => {
    const res = await rawRequest(ingest.port, { path: '/api/v1/traces', headers: ingestHeaders({ 'x-project-slug': 'vivid-kudu-655\n'.trim() + 'x', 'content-type': 'text/plain' }), body: Buffer.from('x') });
    assert.equal(res.status, 400);
    assert.equal((await rawRequest(ingest.port, { path: '/api/ingest', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from('x') })).status, 400);
  });

  it('answers 415 for the wrong media type before reading the body', async () => {
    const res = await rawRequest(ingest.port, { path: '/api/v1/events', headers: ingestHeaders({ 'content-type': 'application/json' }), body: Buffer.alloc(200_000) });
    assert.equal(res.status, 415);
  });

  it('answers 400 for an empty body and 413 over the cap, also when the body is streamed without a length', async () => {
    assert.equal((await rawRequest(ingest.port, { path: '/api/ingest', headers: ingestHeaders(), body: Buffer.alloc(0) })).status, 400);
    assert.equal((await rawRequest(ingest.port, { path: '/api/ingest', headers: ingestHeaders(), body: Buffer.alloc(65_537) })).status, 413);
    assert.equal((await rawRequest(ingest.port, { path: '/api/v1/traces', headers: ingestHeaders(), body: Buffer.alloc(131_073), chunked: true })).status, 413);
    // Exactly at the cap is not "over": it goes on to the envelope check.
    assert.equal((await rawRequest(ingest.port, { path: '/api/v1/events', headers: ingestHeaders(), body: Buffer.alloc(65_536, 1) })).status, 401);
  });

  it('answers 404 for an unknown project, 401 for an envelope that does not open, 400 for a payload that does not parse', async () => {
    const body = traceBody([makeSpan()], 'other-proj-123');
    assert.equal((await rawRequest(ingest.port, { path: '/api/v1/traces', headers: ingestHeaders({ 'x-project-slug': 'other-proj-123' }), body })).status, 404);
    const broken = readVector<{ must_fail: Array<{ envelope_b64: string }> }>('envelopes.json').must_fail;
    for (const c of broken) {
      const res = await rawRequest(ingest.port, { path: '/api/v1/traces', headers: ingestHeaders(), body: Buffer.from(c.envelope_b64, 'base64') });
      assert.equal(res.status, 401);
    }
    assert.equal((await rawRequest(ingest.port, { path: '/api/v1/traces', headers: ingestHeaders(), body: sealed(Buffer.from('{not json')) })).status, 400);
    // Another project's slug inside the payload, or the wrong type, also fails the request.
    assert.equal((await rawRequest(ingest.port, { path: '/api/v1/traces', headers: ingestHeaders(), body: traceBody([makeSpan()], 'other-proj-123') })).status, 400);
    assert.equal((await rawRequest(ingest.port, { path: '/api/v1/traces', headers: ingestHeaders(), body: sealed({ type: 'event', project_slug: 'vivid-kudu-655', spans: [] }) })).status, 400);
    assert.equal((await rawRequest(ingest.port, { path: '/api/ingest', headers: ingestHeaders(), body: sealed(Buffer.from([0xff, 0xff, 0xff])) })).status, 400);
  });

  it('refuses more than 100 spans in one batch', async () => {
    const spans = Array.from({ length: 101 }, (_, i) => makeSpan({ span_id: i.toString(16).padStart(32, '0'), metadata: null }));
    assert.equal((await rawRequest(ingest.port, { path: '/api/v1/traces', headers: ingestHeaders(), body: traceBody(spans) })).status, 413);
  });

  it('accepts traces, events (both "event" and "events") and metrics, answering 202 with counts', async () => {
    ingest.clear();
    const traces = await rawRequest(ingest.port, { path: '/api/v1/traces', headers: ingestHeaders(), body: traceBody([makeSpan(), makeSpan({ span_id: 'c'.repeat(32), parent_span_id: 'b'.repeat(32) })]) });
    assert.equal(traces.status, 202);
    assert.deepEqual(traces.json, { status: 'accepted', accepted: 2, dropped: 0 });
    for (const type of ['event', 'events']) {
      const res = await rawRequest(ingest.port, { path: '/api/v1/events', headers: ingestHeaders(), body: sealed({ type, project_slug: 'vivid-kudu-655', events: [makeEvent()] }) });
      assert.equal(res.status, 202, type);
    }
    const now = Date.now();
    const metrics = encodeMetricsBatch([{ timestamp: now, heap_total: 10, heap_used: 5, rss: 100, external: 1, array_buffers: 1, cpu_usage: 0.25, event_loop_lag_ms: 1.5 }], { sdkVersion: '1.2.3', runtimeVersion: '20.0.0' });
    const res = await rawRequest(ingest.port, { path: '/api/ingest', headers: ingestHeaders(), body: sealed(metrics) });
    assert.equal(res.status, 202);
    assert.equal(ingest.spans().length, 2);
    assert.equal(ingest.events().length, 2);
    const [entry] = ingest.metrics();
    assert.equal(entry?.rss, 100);
    assert.equal(entry?.cpu_usage_pct, 2500);
    assert.equal(entry?.event_loop_lag, 1500);
    assert.equal(entry?.sdk_version, '1.2.3');
    const last = ingest.requests().at(-1)!;
    assert.equal(last.route, 'metrics');
    assert.equal(last.mode, 'development');
  });

  it('drops invalid items and counts them, keeping the rest of the batch', async () => {
    ingest.clear();
    const spans = [
      makeSpan(),
      makeSpan({ span_id: 'not-hex' }),
      makeSpan({ started_at: Date.now() - 11 * 60_000 }),
      makeSpan({ started_at: Date.now() + 60_000 }),
      makeSpan({ workflow: '' }),
      makeSpan({ operation: 'x'.repeat(257) }),
      makeSpan({ status: 'started' }),
      makeSpan({ status: 'running' }),
      makeSpan({ duration_ms: -1 }),
      makeSpan({ metadata: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) }),
      makeSpan({ metadata: { nested: { a: 1 } } }),
      makeSpan({ captured_params: { long: 'x'.repeat(513) } }),
      makeSpan({ error_message: 'e'.repeat(1025) }),
    ];
    const res = await rawRequest(ingest.port, { path: '/api/v1/traces', headers: ingestHeaders(), body: traceBody(spans) });
    assert.equal(res.status, 202);
    assert.deepEqual(res.json, { status: 'accepted', accepted: 2, dropped: 11 });
    const events = [makeEvent(), makeEvent({ type: 'unknown' }), makeEvent({ severity: 'fatal' }), makeEvent({ metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])) }), makeEvent({ error_message: 'e'.repeat(513) })];
    const ev = await rawRequest(ingest.port, { path: '/api/v1/events', headers: ingestHeaders(), body: sealed({ type: 'event', project_slug: 'vivid-kudu-655', events }) });
    assert.deepEqual(ev.json, { status: 'accepted', accepted: 1, dropped: 4 });
  });
});

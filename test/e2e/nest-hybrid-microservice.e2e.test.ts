/**
 * Hybrid apps, started like Nest's microservices sample: an HTTP app with a TCP microservice
 * connected to it. Every message gets exactly one span, with or without `inheritAppConfig`, and an
 * HTTP request calling the app's own handlers holds all their spans in its trace.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { itRecordsOneSpanPerMessage, startHybridApp, type HybridApp } from '../support/hybrid-app';
import { startTestIngest } from '../support/start-ingest';

for (const inheritAppConfig of [false, true]) {
  describe(`a hybrid app (connectMicroservice, inheritAppConfig: ${inheritAppConfig})`, () => {
    let ingest: IngestServer;
    let hybrid: HybridApp;

    before(async () => {
      ingest = await startTestIngest();
      hybrid = await startHybridApp(ingest, inheritAppConfig);
    });

    after(async () => {
      await hybrid?.close();
      await ingest?.close();
    });

    itRecordsOneSpanPerMessage(() => ({ ingest, hybrid }));

    it("puts every RPC handler span of an HTTP request calling the app's own microservice into the request's trace", async () => {
      const response = await fetch(`${hybrid.app.url}/quotes`);
      assert.deepEqual(await response.json(), [10, 20, 30]);
      const traceId = response.headers.get('x-teracron-trace')!.split(':')[0];
      const inTrace = () => ingest.spans().filter((s) => s.trace_id === traceId);
      const handlers = () => inTrace().filter((s) => s.workflow === 'rpc' && s.metadata?.['rpc.kind'] === undefined);
      await ingest.waitFor(() => handlers().length === 4 && inTrace().filter((s) => s.operation === 'Pricing.quote').length === 3, 10_000);
      const clients = inTrace().filter((s) => s.metadata?.['rpc.kind'] !== undefined);
      assert.equal(clients.length, 4, 'three send() and one emit() client spans');
      const request = inTrace().find((s) => s.operation === 'GET /quotes')!;
      assert.ok(clients.every((c) => c.parent_span_id === request.span_id));
      assert.deepEqual(new Set(handlers().map((h) => h.parent_span_id)), new Set(clients.map((c) => c.span_id)), 'each handler under its own client span');
    });
  });
}

/**
 * The package as users load it: by name, from an ESM Nest 12 app and from a CommonJS Nest 11 app
 * (its own node_modules), on Express and Fastify, each run as its own process. A request through
 * controller → service → @Trace reaches the ingest as one tree, with 200, 404 and 500 right.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SpanRecord } from '../../lib/core/types';
import {
  PLATFORMS,
  prepareNest11CjsFixture,
  prepareNest12EsmFixture,
  responseTraceIds,
  spawnFixtureApp,
  type FixtureProcess,
} from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';

const WAIT_MS = 10_000;

const FIXTURES = [
  { name: 'an ESM Nest 12 app', nestMajor: '12', prepare: prepareNest12EsmFixture },
  { name: 'a CommonJS Nest 11 app', nestMajor: '11', prepare: prepareNest11CjsFixture },
] as const;

for (const fixture of FIXTURES) {
  for (const platform of PLATFORMS) {
    describe(`${fixture.name} on ${platform}`, () => {
      let ingest: Awaited<ReturnType<typeof startTestIngest>>;
      let app: FixtureProcess;
      let script: string;

      before(async () => {
        script = fixture.prepare();
        ingest = await startTestIngest();
        app = await spawnFixtureApp(script, { PLATFORM: platform, TERACRON_API_KEY: testApiKey(), TERACRON_DOMAIN: ingest.domain });
      });

      after(async () => {
        if (app) {
          app.child.kill('SIGTERM');
          await app.exited;
        }
        await ingest?.close();
      });

      const spansOf = (traceId: string): SpanRecord[] => ingest.spans().filter((span) => span.trace_id === traceId);

      async function tracedGet(path: string, spans: number): Promise<{ status: number; spans: SpanRecord[] }> {
        const response = await fetch(`${app.url}${path}`);
        await response.arrayBuffer();
        const { traceId } = responseTraceIds(response);
        await ingest.waitFor(() => spansOf(traceId).length >= spans, WAIT_MS);
        return { status: response.status, spans: spansOf(traceId) };
      }

      it(`runs on Nest ${fixture.nestMajor}`, () => {
        const nest = (JSON.parse(app.firstLine) as { nest: string }).nest;
        assert.equal(nest.split('.')[0], fixture.nestMajor);
      });

      it('records a request as one tree rooted at the route template', async () => {
        const { status, spans } = await tracedGet('/orders/42', 3);
        assert.equal(status, 200);
        const root = spans.find((span) => span.operation === 'GET /orders/:id');
        const checkout = spans.find((span) => span.operation === 'OrdersService.find');
        const payment = spans.find((span) => span.operation === 'PaymentsService.authorise');
        assert.ok(root && checkout && payment, `spans: ${spans.map((s) => s.operation).join(', ')}`);
        assert.equal(root.parent_span_id, null);
        assert.equal(root.metadata?.['http.status_code'], 200);
        assert.equal(checkout.parent_span_id, root.span_id);
        assert.equal(payment.parent_span_id, checkout.span_id);
      });

      it('records 404 and 500 with the status sent', async () => {
        const missing = await tracedGet('/orders/missing', 2);
        assert.equal(missing.status, 404);
        const missingRoot = missing.spans.find((span) => span.operation === 'GET /orders/:id');
        assert.equal(missingRoot?.metadata?.['http.status_code'], 404);
        assert.equal(missingRoot?.status, 'succeeded');

        const broken = await tracedGet('/orders/broken', 2);
        assert.equal(broken.status, 500);
        const brokenRoot = broken.spans.find((span) => span.operation === 'GET /orders/:id');
        assert.equal(brokenRoot?.metadata?.['http.status_code'], 500);
        assert.equal(brokenRoot?.status, 'failed');
        assert.equal(brokenRoot?.error_message, 'order broken is broken');
      });
    });
  }
}

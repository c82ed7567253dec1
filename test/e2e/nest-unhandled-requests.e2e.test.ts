/**
 * No request escapes its span: requests stopped before any interceptor runs (a guard, an unknown
 * route, the body parser, a throwing middleware) each give exactly one root span with the status
 * sent and no raw path; a normal request keeps the interceptor's span and its @Trace children.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Body,
  CanActivate,
  Controller,
  Get,
  Injectable,
  MiddlewareConsumer,
  Module,
  NestModule,
  Param,
  Post,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { TeracronClient } from '../../lib/core/client';
import type { SpanRecord } from '../../lib/core/types';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { PLATFORMS, responseTraceIds, startNestApp, type RunningNestApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { httpInterceptor } from '../support/http-interceptor-mode';

const RAW_ID = 'rawid4242';

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Injectable()
class AuthGuard implements CanActivate {
  canActivate(): boolean {
    throw new UnauthorizedException('token expired');
  }
}

@Injectable()
class Ledger {
  @Trace('orders')
  async lookup(id: string): Promise<{ id: string }> {
    return { id };
  }
}

@Controller()
class GuardedController {
  constructor(private readonly ledger: Ledger) {}

  @Get('deny/:id')
  @UseGuards(DenyGuard)
  deny(@Param('id') id: string) {
    return { id };
  }

  @Get('auth/:id')
  @UseGuards(AuthGuard)
  auth(@Param('id') id: string) {
    return { id };
  }

  @Post('orders')
  create(@Body() body: unknown) {
    return { received: typeof body };
  }

  @Get('orders/:id')
  find(@Param('id') id: string) {
    return this.ledger.lookup(id);
  }

  @Get('boom/:id')
  boom(@Param('id') id: string) {
    return { id };
  }
}

function throwingMiddleware(): void {
  throw new Error('middleware exploded');
}

function appModule(domain: string) {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, httpInterceptor, traceFlushIntervalSeconds: 1 })],
    controllers: [GuardedController],
    providers: [Ledger, DenyGuard, AuthGuard],
  })
  class UnhandledModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(throwingMiddleware).forRoutes('boom/(.*)', 'boom/:id');
    }
  }
  return UnhandledModule;
}

for (const platform of PLATFORMS) {
  describe(`requests that never reach a handler on ${platform}`, () => {
    let ingest: IngestServer;
    let app: RunningNestApp;

    before(async () => {
      ingest = await startTestIngest();
      app = await startNestApp(appModule(ingest.domain), platform);
    });
    after(async () => {
      await app.close();
      await ingest.close();
    });

    async function spansOfResponse(response: Response, expectedSpans = 1): Promise<SpanRecord[]> {
      const { traceId } = responseTraceIds(response);
      await response.arrayBuffer();
      await ingest.waitFor((s) => s.spans().filter((x) => x.trace_id === traceId).length >= expectedSpans, 10_000);
      // A second span of the request would have ended by the time the response closed: whatever is
      // still queued goes out with this flush, before counting.
      await app.app.get(TeracronClient).flush();
      return ingest.spans().filter((s) => s.trace_id === traceId);
    }

    function assertOneRoot(spans: SpanRecord[], status: number, operation: string, outcome: 'succeeded' | 'failed'): SpanRecord {
      const roots = spans.filter((s) => s.parent_span_id === null);
      assert.equal(roots.length, 1, `one root span, got ${spans.map((s) => s.operation).join(', ')}`);
      const root = roots[0]!;
      assert.equal(root.operation, operation);
      assert.equal(root.metadata?.['http.status_code'], status);
      assert.equal(root.status, outcome);
      assert.ok(!root.operation.includes(RAW_ID), 'no raw path in the operation');
      return root;
    }

    const cases: Array<{ name: string; request: () => Promise<Response>; status: number; operation: string; outcome: 'succeeded' | 'failed' }> = [
      { name: 'a guard returning false (403)', request: () => fetch(`${app.url}/deny/${RAW_ID}`), status: 403, operation: 'GET /deny/:id', outcome: 'succeeded' },
      { name: 'a guard throwing UnauthorizedException (401)', request: () => fetch(`${app.url}/auth/${RAW_ID}`), status: 401, operation: 'GET /auth/:id', outcome: 'succeeded' },
      { name: 'an unknown route (404)', request: () => fetch(`${app.url}/nowhere/${RAW_ID}`), status: 404, operation: 'GET (unmatched)', outcome: 'succeeded' },
      {
        name: 'a body over the parser limit (413)',
        request: () => fetch(`${app.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) }) }),
        status: 413,
        // Express parses bodies before it routes, so the route is not known yet; Fastify routes first.
        operation: platform === 'express' ? 'POST (unmatched)' : 'POST /orders',
        outcome: 'succeeded',
      },
      {
        name: 'malformed JSON (400)',
        request: () => fetch(`${app.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken": ' }),
        status: 400,
        operation: platform === 'express' ? 'POST (unmatched)' : 'POST /orders',
        outcome: 'succeeded',
      },
    ];

    for (const c of cases) {
      it(`${c.name}: exactly one root span with the status sent`, async () => {
        const response = await c.request();
        assert.equal(response.status, c.status);
        const spans = await spansOfResponse(response);
        assertOneRoot(spans, c.status, c.operation, c.outcome);
      });
    }

    it('a middleware that throws: one failed root span with status 500', async () => {
      const response = await fetch(`${app.url}/boom/${RAW_ID}`);
      assert.equal(response.status, 500);
      const spans = await spansOfResponse(response);
      const root = assertOneRoot(spans, 500, spans[0]!.operation, 'failed');
      assert.match(root.operation, /^GET (\/boom\/:id|\(unmatched\))$/);
    });

    it('an inbound X-Teracron-Trace continues the trace of a request no handler saw', async () => {
      const traceId = platform === 'express' ? 'a1'.repeat(16) : 'b2'.repeat(16);
      const parent = 'c3'.repeat(16);
      const response = await fetch(`${app.url}/deny/${RAW_ID}`, { headers: { 'x-teracron-trace': `${traceId}:${parent}` } });
      assert.equal(response.status, 403);
      assert.equal(responseTraceIds(response).traceId, traceId);
      await ingest.waitFor((s) => s.spans().some((x) => x.trace_id === traceId), 10_000);
      const [span] = ingest.spans().filter((x) => x.trace_id === traceId);
      assert.equal(span!.parent_span_id, parent);
      assert.equal(span!.operation, 'GET /deny/:id');
    });

    it('a normal request keeps the interceptor span with its @Trace child, and no duplicate', async () => {
      const response = await fetch(`${app.url}/orders/${RAW_ID}`);
      assert.equal(response.status, 200);
      const spans = await spansOfResponse(response, 2);
      const root = assertOneRoot(spans, 200, 'GET /orders/:id', 'succeeded');
      assert.equal(spans.length, 2);
      const child = spans.find((s) => s.operation === 'Ledger.lookup')!;
      assert.equal(child.parent_span_id, root.span_id);
      assert.equal(root.metadata?.['http.route'], '/orders/:id');
    });
  });
}

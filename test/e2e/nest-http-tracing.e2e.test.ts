/**
 * The global interceptor on real Express and Fastify apps: one tree per request at the ingest,
 * rooted at `METHOD /route/template`, with the status the client actually got (also when an
 * exception filter chose it), failed only for 5xx, and excluded routes left untraced.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import {
  type CanActivate,
  Catch,
  Controller,
  Get,
  Injectable,
  Module,
  NotFoundException,
  Param,
  type PipeTransform,
  UseGuards,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { TeracronClient } from '../../lib/core/client';
import type { SpanRecord } from '../../lib/core/types';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { PLATFORMS, responseTraceIds, startNestApp, type RunningNestApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { httpInterceptor } from '../support/http-interceptor-mode';

const WAIT_MS = 10_000;

class OrderDeclinedError extends Error {}
class ServiceOverloadedError extends Error {}

@Catch(OrderDeclinedError, ServiceOverloadedError)
class OrderErrorsFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: Error, host: ArgumentsHost): void {
    const status = error instanceof OrderDeclinedError ? 402 : 503;
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), { error: error.message }, status);
  }
}

@Injectable()
class PaymentsService {
  @Trace('payment')
  async authorise(orderId: string): Promise<string> {
    await new Promise((resolve) => setImmediate(resolve));
    return `auth-${orderId}`;
  }
}

@Injectable()
class OrdersService {
  constructor(private readonly payments: PaymentsService) {}

  @Trace('checkout')
  async find(id: string): Promise<{ id: string; authorisation: string }> {
    if (id === 'missing') throw new NotFoundException(`order ${id} not found`);
    if (id === 'broken') throw new Error('order store unreachable');
    if (id === 'declined') throw new OrderDeclinedError('card declined');
    if (id === 'overloaded') throw new ServiceOverloadedError('payments overloaded');
    return { id, authorisation: await this.payments.authorise(id) };
  }
}

@Controller('orders')
class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get(':id')
  get(@Param('id') id: string): Promise<unknown> {
    return this.orders.find(id);
  }
}

class ValidatorUnavailableError extends Error {}

/** A pipe whose own dependency is down: what it throws is a 500 that no handler saw. */
@Injectable()
class OrderIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (value === 'unvalidated') throw new ValidatorUnavailableError('validator unavailable');
    return value;
  }
}

@Injectable()
class SessionGuard implements CanActivate {
  canActivate(): boolean {
    throw new TypeError('session store returned nothing');
  }
}

@Controller('checked')
class CheckedController {
  @Get(':id')
  get(@Param('id', OrderIdPipe) id: string): { id: string } {
    return { id };
  }

  @Get('session/:id')
  @UseGuards(SessionGuard)
  session(@Param('id') id: string): { id: string } {
    return { id };
  }
}

@Injectable()
class StatusProbe {
  @Trace('probe')
  check(): boolean {
    return true;
  }
}

@Controller('health')
class HealthController {
  constructor(private readonly probe: StatusProbe) {}

  @Get()
  check(): { ok: boolean } {
    return { ok: this.probe.check() };
  }
}

function appModule(domain: string, traceSampleRate = 1): new () => unknown {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, httpInterceptor, traceSampleRate, traceFlushIntervalSeconds: 1, exclude: ['/api/health'] })],
    controllers: [OrdersController, HealthController, CheckedController],
    providers: [OrdersService, PaymentsService, StatusProbe, OrderIdPipe, SessionGuard, { provide: APP_FILTER, useClass: OrderErrorsFilter }],
  })
  class HttpTracingAppModule {}
  return HttpTracingAppModule;
}

for (const platform of PLATFORMS) {
  describe(`HTTP request tracing on ${platform}`, () => {
    let ingest: Awaited<ReturnType<typeof startTestIngest>>;
    let running: RunningNestApp;

    before(async () => {
      ingest = await startTestIngest();
      running = await startNestApp(appModule(ingest.domain), platform, { configure: (app) => void app.setGlobalPrefix('api') });
    });

    after(async () => {
      await running?.close();
      await ingest?.close();
    });

    const spansOf = (traceId: string): SpanRecord[] => ingest.spans().filter((span) => span.trace_id === traceId);

    /** Sends GET path and waits until `count` spans of its trace reached the ingest. */
    async function tracedGet(path: string, count: number): Promise<{ status: number; spans: SpanRecord[]; spanId: string | undefined }> {
      const response = await fetch(`${running.url}${path}`);
      await response.arrayBuffer();
      const { traceId, spanId } = responseTraceIds(response);
      await ingest.waitFor(() => spansOf(traceId).length >= count, WAIT_MS);
      return { status: response.status, spans: spansOf(traceId), spanId };
    }

    const byOperation = (spans: SpanRecord[], operation: string): SpanRecord => {
      const found = spans.find((span) => span.operation === operation);
      assert.ok(found, `no span ${operation} among ${spans.map((s) => s.operation).join(', ')}`);
      return found;
    };

    it('records controller → service → nested @Trace as one tree rooted at the route template', async () => {
      const { status, spans, spanId } = await tracedGet('/api/orders/42', 3);
      assert.equal(status, 200);
      assert.equal(spans.length, 3);
      const root = byOperation(spans, 'GET /api/orders/:id');
      const checkout = byOperation(spans, 'OrdersService.find');
      const payment = byOperation(spans, 'PaymentsService.authorise');
      assert.equal(root.parent_span_id, null);
      assert.equal(root.span_id, spanId, 'the response header names the request span');
      assert.equal(root.workflow, 'http');
      assert.equal(root.status, 'succeeded');
      // sample_rate: the rate the trace was kept at (adaptive sampling, not overloaded here).
      assert.deepEqual(root.metadata, { 'http.method': 'GET', 'http.route': '/api/orders/:id', 'http.status_code': 200, sample_rate: 1 });
      assert.equal(checkout.parent_span_id, root.span_id);
      assert.equal(checkout.workflow, 'checkout');
      assert.equal(payment.parent_span_id, checkout.span_id);
      assert.equal(payment.workflow, 'payment');
      assert.ok(spans.every((span) => !span.operation.includes('/42')), 'the raw path never names a span');
    });

    it('records 404 from NotFoundException as a succeeded request whose service span failed', async () => {
      const { status, spans } = await tracedGet('/api/orders/missing', 2);
      assert.equal(status, 404);
      const root = byOperation(spans, 'GET /api/orders/:id');
      assert.equal(root.status, 'succeeded');
      assert.equal(root.metadata?.['http.status_code'], 404);
      assert.equal(root.error_type, null);
      const checkout = byOperation(spans, 'OrdersService.find');
      assert.equal(checkout.status, 'failed');
      assert.equal(checkout.error_type, 'NotFoundException');
    });

    it('records an unhandled error as a failed 500 with its error fields', async () => {
      const { status, spans } = await tracedGet('/api/orders/broken', 2);
      assert.equal(status, 500);
      const root = byOperation(spans, 'GET /api/orders/:id');
      assert.equal(root.status, 'failed');
      assert.equal(root.metadata?.['http.status_code'], 500);
      assert.equal(root.error_type, 'Error');
      assert.equal(root.error_message, 'order store unreachable');
    });

    it('fails a 500 thrown by a pipe or a guard, before any handler ran, with that error\'s type and message', async () => {
      const piped = await tracedGet('/api/checked/unvalidated', 1);
      assert.equal(piped.status, 500);
      const pipedRoot = byOperation(piped.spans, 'GET /api/checked/:id');
      assert.equal(pipedRoot.status, 'failed');
      assert.equal(pipedRoot.error_type, 'ValidatorUnavailableError');
      assert.equal(pipedRoot.error_message, 'validator unavailable');

      const guarded = await tracedGet('/api/checked/session/7', 1);
      assert.equal(guarded.status, 500);
      const guardedRoot = byOperation(guarded.spans, 'GET /api/checked/session/:id');
      assert.equal(guardedRoot.status, 'failed');
      assert.equal(guardedRoot.error_type, 'TypeError');
      assert.equal(guardedRoot.error_message, 'session store returned nothing');

      const fine = await tracedGet('/api/checked/7', 1);
      assert.equal(fine.status, 200);
      assert.equal(byOperation(fine.spans, 'GET /api/checked/:id').status, 'succeeded');
    });

    it('records the status an exception filter sent: 402 succeeded, 503 failed', async () => {
      const declined = await tracedGet('/api/orders/declined', 2);
      assert.equal(declined.status, 402);
      const declinedRoot = byOperation(declined.spans, 'GET /api/orders/:id');
      assert.equal(declinedRoot.metadata?.['http.status_code'], 402);
      assert.equal(declinedRoot.status, 'succeeded');

      const overloaded = await tracedGet('/api/orders/overloaded', 2);
      assert.equal(overloaded.status, 503);
      const overloadedRoot = byOperation(overloaded.spans, 'GET /api/orders/:id');
      assert.equal(overloadedRoot.metadata?.['http.status_code'], 503);
      assert.equal(overloadedRoot.status, 'failed');
      assert.equal(overloadedRoot.error_type, 'ServiceOverloadedError');
      assert.equal(overloadedRoot.error_message, 'payments overloaded');
    });

    it('leaves an excluded route untraced', async () => {
      const response = await fetch(`${running.url}/api/health`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-teracron-trace'), null);
      // A traced request after it, flushed: the excluded one would have been flushed with it.
      const { spans } = await tracedGet('/api/orders/7', 3);
      assert.equal(spans.length, 3);
      await running.app.get(TeracronClient).flush();
      assert.deepEqual(ingest.spans().filter((span) => span.operation.includes('health')), []);
    });

    it('ends each of three pipelined requests on one connection with its own span, status and error', async () => {
      const { port } = new URL(running.url);
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1', () =>
          socket.write('GET /api/orders/7 HTTP/1.1\r\nHost: t\r\n\r\nGET /api/orders/broken HTTP/1.1\r\nHost: t\r\n\r\nGET /api/orders/8 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'),
        );
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
      });
      const traceIds = [...raw.matchAll(/x-teracron-trace: ([0-9a-f]{32})/gi)].map((match) => match[1]!);
      assert.equal(traceIds.length, 3, 'three answers, each naming its own trace');
      assert.equal(new Set(traceIds).size, 3);
      const rootOf = (traceId: string) => spansOf(traceId).find((span) => span.parent_span_id === null);
      await ingest.waitFor(() => traceIds.every((traceId) => rootOf(traceId) !== undefined), WAIT_MS);
      const roots = traceIds.map((traceId) => rootOf(traceId)!);
      assert.deepEqual(
        roots.map((root) => [root.operation, root.status, root.metadata?.['http.status_code'], root.error_message]),
        [
          ['GET /api/orders/:id', 'succeeded', 200, null],
          ['GET /api/orders/:id', 'failed', 500, 'order store unreachable'],
          ['GET /api/orders/:id', 'succeeded', 200, null],
        ],
      );
    });

    it('does not let an excluded request inherit the trace of the previous request on the same keep-alive connection', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const get = (path: string) =>
        new Promise<{ socketPort: number | undefined; traceHeader: string | undefined }>((resolve, reject) => {
          http
            .get(`${running.url}${path}`, { agent }, (response) => {
              response.resume();
              response.on('end', () => resolve({ socketPort: response.socket?.localPort, traceHeader: response.headers['x-teracron-trace'] as string | undefined }));
            })
            .on('error', reject);
        });
      const probesBefore = ingest.spans().filter((span) => span.workflow === 'probe').length;
      try {
        const traced = await get('/api/orders/keepalive');
        const excluded = await get('/api/health');
        assert.equal(excluded.socketPort, traced.socketPort, 'both requests went over one connection');
        const orderTraceId = traced.traceHeader!.split(':')[0]!;
        const probes = () => ingest.spans().filter((span) => span.workflow === 'probe');
        await ingest.waitFor(() => probes().length > probesBefore && spansOf(orderTraceId).length >= 3, WAIT_MS);
        const probe = probes()[probesBefore]!;
        assert.equal(probe.parent_span_id, null, 'the probe in the excluded request starts its own trace');
        assert.notEqual(probe.trace_id, orderTraceId);
      } finally {
        agent.destroy();
      }
    });
  });
}

for (const platform of PLATFORMS) {
  describe(`HTTP requests whose traces are not kept, on ${platform}`, () => {
    let ingest: Awaited<ReturnType<typeof startTestIngest>>;
    let running: RunningNestApp;

    before(async () => {
      ingest = await startTestIngest();
      running = await startNestApp(appModule(ingest.domain, 0), platform, { configure: (app) => void app.setGlobalPrefix('api') });
    });

    after(async () => {
      await running?.close();
      await ingest?.close();
    });

    it('sends nothing of a request that succeeds, and a 500 alone, with its method, route and status', async () => {
      const ok = await fetch(`${running.url}/api/orders/42`);
      await ok.arrayBuffer();
      const failed = await fetch(`${running.url}/api/orders/broken`);
      await failed.arrayBuffer();
      assert.equal(failed.status, 500);
      const failedTrace = responseTraceIds(failed).traceId;
      await ingest.waitFor(() => ingest.spans().some((span) => span.trace_id === failedTrace), WAIT_MS);
      await running.app.get(TeracronClient).flush();
      assert.deepEqual(ingest.spans().filter((span) => span.trace_id === responseTraceIds(ok).traceId), [], 'nothing of the request that succeeded');
      const sent = ingest.spans().filter((span) => span.trace_id === failedTrace);
      assert.equal(sent.length, 1, 'the failed request span alone, not its children');
      const [root] = sent;
      assert.equal(root!.operation, 'GET /api/orders/:id');
      assert.equal(root!.status, 'failed');
      assert.equal(root!.error_message, 'order store unreachable');
      assert.deepEqual(
        { method: root!.metadata?.['http.method'], route: root!.metadata?.['http.route'], status: root!.metadata?.['http.status_code'], alone: root!.metadata?.['teracron.kept_on_failure'] },
        { method: 'GET', route: '/api/orders/:id', status: 500, alone: true },
      );
    });
  });
}

/**
 * @teracron/nestjs/testing, used only through its documented API, as a user's e2e test does:
 * Test.createTestingModule with TeracronTestingModule.forRoot(), a real app on Express and
 * Fastify, real HTTP requests. The recorded spans form the tree the app would send (sampling,
 * capture and the TeracronScrubber provider as in production), pending spans can be awaited,
 * and app.close() returns at once, sends nothing (even with a key and a live ingest in the env)
 * and leaves no handle open.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Controller, Get, HttpCode, Injectable, Param, Post, type INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TeracronTracer, TeracronScrubber, Trace } from '../../lib/index';
import { shouldSample } from '../../lib/protocol';
import { TeracronRecorder, TeracronTestingModule, type SpanNode } from '../../lib/testing/index';
import { PLATFORMS, type Platform } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';

/** Work the test releases by hand: a span that is still running when the response is sent. */
class Deferred {
  release!: () => void;
  readonly promise = new Promise<void>((resolve) => (this.release = resolve));
}

@Injectable()
class PaymentsService {
  constructor(private readonly tracer: TeracronTracer) {}

  @Trace('payment', { capture: ['orderId'] })
  async authorise(orderId: string, cardNumber: string): Promise<boolean> {
    await this.tracer.span('payment', { operation: 'risk-score' }, async (span) => {
      span.setMetadata({ card_number: cardNumber, card_last4: cardNumber.slice(-4) });
      await new Promise((resolve) => setImmediate(resolve));
    });
    return true;
  }
}

@Injectable()
class OrdersService {
  readonly mailed = new Deferred();
  constructor(private readonly payments: PaymentsService) {}

  @Trace('checkout')
  async find(id: string): Promise<{ id: string; paid: boolean }> {
    return { id, paid: await this.payments.authorise(id, '4242424242424242') };
  }

  /** Not awaited by the controller: its span ends after the response. */
  @Trace('mail')
  async sendReceipt(id: string): Promise<string> {
    await this.mailed.promise;
    return id;
  }
}

@Controller('orders')
class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get(':id')
  find(@Param('id') id: string): Promise<unknown> {
    return this.orders.find(id);
  }

  @Post(':id/receipt')
  @HttpCode(202)
  receipt(@Param('id') id: string): { queued: true } {
    void this.orders.sendReceipt(id);
    return { queued: true };
  }
}

const dropCardNumbers = (data: Record<string, unknown>): Record<string, unknown> => {
  const { card_number: _dropped, ...rest } = data;
  return rest;
};

async function startApp(platform: Platform, options: Parameters<typeof TeracronTestingModule.forRoot>[0] = {}): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({
    imports: [TeracronTestingModule.forRoot(options)],
    controllers: [OrdersController],
    providers: [OrdersService, PaymentsService, { provide: TeracronScrubber, useValue: dropCardNumbers }],
  }).compile();
  const app = moduleRef.createNestApplication(platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}

/** One request on its own connection, resolved once the socket is closed (no keep-alive handle left behind). */
function request(method: string, url: string, headers: Record<string, string> = {}): Promise<{ status: number; traceHeader: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      res.resume();
      res.socket.once('close', () => resolve({ status: res.statusCode ?? 0, traceHeader: String(res.headers['x-teracron-trace'] ?? '') }));
    });
    req.once('error', reject);
    req.end();
  });
}

const outline = (node: SpanNode): unknown => [node.operation, ...node.children.map(outline)];

/** Trace ids whose decision at a rate is known, from the production sampling function. */
function traceIdSampledAt(rate: number, sampled: boolean): string {
  for (let i = 1; ; i++) {
    const id = i.toString(16).padStart(32, '0');
    if (shouldSample(id, rate) === sampled) return id;
  }
}

for (const platform of PLATFORMS) {
  describe(`TeracronTestingModule on ${platform}`, () => {
    let app: INestApplication;
    let url: string;
    let recorder: TeracronRecorder;

    before(async () => {
      ({ app, url } = await startApp(platform, { traceEmitEvents: true }));
      recorder = app.get(TeracronRecorder);
    });
    after(() => app?.close());

    it('records a request as the span tree the app would send, captured and scrubbed as in production', async () => {
      recorder.clear();
      const response = await request('GET', `${url}/orders/42`);
      assert.equal(response.status, 200);
      const traceId = response.traceHeader.split(':')[0]!;
      const [root, ...others] = await recorder.waitForTrace(traceId);
      assert.equal(others.length, 0);
      assert.deepEqual(outline(root!), ['GET /orders/:id', ['OrdersService.find', ['PaymentsService.authorise', ['risk-score']]]]);
      assert.equal(root!.workflow, 'http');
      assert.equal(root!.metadata?.['http.status_code'], 200);
      const authorise = root!.children[0]!.children[0]!;
      assert.deepEqual(authorise.captured_params, { orderId: '42' });
      assert.deepEqual(authorise.children[0]!.metadata, { card_last4: '4242' });
      assert.ok(recorder.events().some((event) => event.type === 'workflow_completed' && event.trace_id === traceId));
    });

    it('waits for a span still running after the response, and clears', async () => {
      recorder.clear();
      const response = await request('POST', `${url}/orders/7/receipt`);
      assert.equal(response.status, 202);
      const traceId = response.traceHeader.split(':')[0]!;
      await recorder.waitForTrace(traceId);
      assert.equal(recorder.spans({ operation: 'OrdersService.sendReceipt' }).length, 0, 'the mail span is still running');
      const pending = recorder.waitForSpan({ operation: 'OrdersService.sendReceipt', trace_id: traceId });
      app.get(OrdersService).mailed.release();
      const mail = await pending;
      assert.equal(mail.workflow, 'mail');
      assert.equal(recorder.trace(traceId)[0]!.children.some((child) => child.span_id === mail.span_id), true);
      recorder.clear();
      assert.deepEqual(recorder.spans(), []);
      assert.deepEqual(recorder.traces(), []);
    });
  });

  describe(`TeracronTestingModule sampling on ${platform}`, () => {
    it('keeps and drops traces as production does at the same rate', async () => {
      const { app, url } = await startApp(platform, { traceSampleRate: 0.5 });
      try {
        const recorder = app.get(TeracronRecorder);
        const dropped = traceIdSampledAt(0.5, false);
        const kept = traceIdSampledAt(0.5, true);
        const unsampled = await request('GET', `${url}/orders/1`, { 'x-teracron-trace': dropped });
        assert.equal(unsampled.traceHeader, dropped, 'an unsampled trace still propagates');
        await request('GET', `${url}/orders/2`, { 'x-teracron-trace': kept });
        const [root] = await recorder.waitForTrace(kept);
        assert.equal(root!.operation, 'GET /orders/:id');
        assert.deepEqual(recorder.trace(dropped), []);
        assert.deepEqual(new Set(recorder.spans().map((span) => span.trace_id)), new Set([kept]));
      } finally {
        await app.close();
      }
    });
  });

  describe(`app.close() with TeracronTestingModule on ${platform}`, () => {
    let ingest: Awaited<ReturnType<typeof startTestIngest>>;
    const savedEnv = { key: process.env.TERACRON_API_KEY, domain: process.env.TERACRON_DOMAIN };

    before(async () => {
      ingest = await startTestIngest();
      // What a user's .env may hold: a real key and a reachable ingest. The testing module reads neither.
      process.env.TERACRON_API_KEY = testApiKey();
      process.env.TERACRON_DOMAIN = ingest.domain;
    });
    after(async () => {
      for (const [name, value] of [['TERACRON_API_KEY', savedEnv.key], ['TERACRON_DOMAIN', savedEnv.domain]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await ingest?.close();
    });

    it('returns at once, sends nothing and leaves no handle open', async () => {
      const before = resourceCounts();
      const { app, url } = await startApp(platform, { apiKey: testApiKey(), domain: ingest.domain });
      const recorder = app.get(TeracronRecorder);
      const response = await request('GET', `${url}/orders/9`);
      await recorder.waitForTrace(response.traceHeader.split(':')[0]!);

      const started = performance.now();
      await app.close();
      const closeMs = performance.now() - started;
      assert.ok(closeMs < 1_000, `app.close() took ${closeMs.toFixed(0)} ms; the shutdown flush's deadline is 5000 ms`);

      const left = resourceCounts();
      for (const [kind, count] of left) assert.ok(count <= (before.get(kind) ?? 0), `${kind}: ${before.get(kind) ?? 0} before the app, ${count} after app.close()`);
      assert.deepEqual(ingest.requests(), []);
    });
  });
}

function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

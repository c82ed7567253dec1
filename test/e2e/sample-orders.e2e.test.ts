/**
 * The sample's own e2e test, written as a user writes one for their app: the real AppModule,
 * with its TeracronModule swapped for TeracronTestingModule (same forRootAsync settings), and
 * assertions on the spans the app would send. No key, no ingest, no network.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TeracronRecorder, TeracronTestingModule, type SpanNode } from '../../lib/testing/index';
import { AppModule, teracron, teracronOptions } from '../../sample/app.module';
import { PLATFORMS } from '../support/nest-apps';

const outline = (node: SpanNode): unknown => [node.operation, ...node.children.map(outline)];

for (const platform of PLATFORMS) {
  describe(`the sample's orders service on ${platform}, with TeracronTestingModule`, () => {
    let app: INestApplication;
    let url: string;
    let recorder: TeracronRecorder;

    before(async () => {
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
        .overrideModule(teracron)
        .useModule(TeracronTestingModule.forRootAsync(teracronOptions))
        .compile();
      app = moduleRef.createNestApplication(platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), { logger: false });
      await app.listen(0, '127.0.0.1');
      url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
      recorder = app.get(TeracronRecorder);
    });
    after(() => app?.close());

    it('records a checkout as one tree, without the card number', async () => {
      recorder.clear();
      const response = await fetch(`${url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ item: 'keyboard', amount: 120, card_number: '4242424242424242' }),
      });
      assert.equal(response.status, 201);
      const traceId = response.headers.get('x-teracron-trace')!.split(':')[0]!;
      const [root] = await recorder.waitForTrace(traceId);
      assert.deepEqual(outline(root!), [
        'POST /orders',
        ['OrdersService.place', ['OrdersService.checkFraud'], ['PaymentsService.authorize', ['risk-score']], ['PaymentsService.settle']],
      ]);
      assert.equal(root!.workflow, 'orders-http');
      const authorize = root!.children[0]!.children[1]!;
      assert.deepEqual(authorize.captured_params, { orderId: 'ord-1', amount: 120 });
      const riskScore = authorize.children[0]!;
      assert.equal(riskScore.metadata?.['card_last4'], '4242');
      assert.equal('card_number' in (riskScore.metadata ?? {}), false, 'the scrubber removed the card number');
      assert.ok(recorder.events().some((event) => event.type === 'workflow_completed' && event.trace_id === traceId));
    });

    it('records a refund that fails, and no span for the excluded health route', async () => {
      recorder.clear();
      const health = await fetch(`${url}/orders/health/live`);
      assert.equal(health.status, 200);
      const refund = await fetch(`${url}/orders/ord-9/refund`, { method: 'POST' });
      assert.equal(refund.status, 404);
      const traceId = refund.headers.get('x-teracron-trace')!.split(':')[0]!;
      const [root] = await recorder.waitForTrace(traceId);
      assert.deepEqual(outline(root!), ['POST /orders/:id/refund', ['OrdersService.refund', ['PaymentsService.refund']]]);
      const payment = root!.children[0]!.children[0]!;
      assert.equal(payment.status, 'failed');
      assert.deepEqual(payment.captured_params, { order_id: 'ord-9' });
      assert.deepEqual(
        recorder.spans().filter((span) => span.operation.includes('health')),
        [],
      );
    });
  });
}

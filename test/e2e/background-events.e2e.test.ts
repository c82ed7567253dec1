/**
 * `@OnEvent` listeners of @nestjs/event-emitter as spans: children of the span that emitted the
 * event (sync and async listeners, `emit` and `emitAsync`), roots when emitted outside a trace, and
 * a throwing listener recorded without changing what the emitter does with the error.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Injectable, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitter2, EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import type { SpanRecord } from '../../lib/core/types';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { getTraceHeader } from '../../lib/tracing/propagation';
import { Trace } from '../../lib/tracing/trace.decorator';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';

const WAIT_MS = 15_000;

class OrderRejectedError extends Error {
  override name = 'OrderRejectedError';
}

/** The very value the rejecting listener threw, to compare with what the emitter's caller catches. */
let lastRejection: OrderRejectedError | undefined;

@Injectable()
class Mailer {
  @Trace('mail')
  async confirm(orderId: string): Promise<string> {
    return `mail-${orderId}`;
  }
}

@Injectable()
class OrderListeners {
  constructor(private readonly mailer: Mailer) {}

  @OnEvent('order.created')
  countOrder(_event: { orderId: string }): void {}

  @OnEvent('order.created')
  async sendConfirmation(event: { orderId: string }): Promise<void> {
    await this.mailer.confirm(event.orderId);
  }

  @OnEvent('order.rejected', { suppressErrors: false })
  refuse(event: { orderId: string }): void {
    lastRejection = new OrderRejectedError(`order ${event.orderId} rejected`);
    throw lastRejection;
  }
}

@Injectable()
class OrdersService {
  constructor(private readonly events: EventEmitter2) {}

  /** Returns the trace header of the span that emitted, so the test knows the expected parent. */
  @Trace('orders')
  async place(orderId: string, how: 'emit' | 'emitAsync'): Promise<{ emittedIn: string }> {
    const emittedIn = getTraceHeader() ?? '';
    if (how === 'emit') this.events.emit('order.created', { orderId });
    else await this.events.emitAsync('order.created', { orderId });
    return { emittedIn };
  }

  @Trace('orders')
  async reject(orderId: string): Promise<{ emittedIn: string; caught: string; sameError: boolean }> {
    const emittedIn = getTraceHeader() ?? '';
    try {
      await this.events.emitAsync('order.rejected', { orderId });
      return { emittedIn, caught: 'nothing', sameError: false };
    } catch (error) {
      return { emittedIn, caught: (error as Error).name, sameError: error === lastRejection };
    }
  }
}

@Controller('orders')
class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post(':orderId/:how')
  place(@Param('orderId') orderId: string, @Param('how') how: string) {
    return how === 'reject' ? this.orders.reject(orderId) : this.orders.place(orderId, how === 'async' ? 'emitAsync' : 'emit');
  }
}

describe('event listeners (@nestjs/event-emitter)', () => {
  let ingest: Awaited<ReturnType<typeof startTestIngest>>;
  let app: INestApplication;
  let baseUrl: string;

  before(async () => {
    ingest = await startTestIngest();
    @Module({
      imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain: ingest.domain, traceFlushIntervalSeconds: 1 }), EventEmitterModule.forRoot()],
      controllers: [OrdersController],
      providers: [Mailer, OrderListeners, OrdersService],
    })
    class EventsAppModule {}
    app = await NestFactory.create(EventsAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  after(async () => {
    await app?.close();
    await ingest?.close();
  });

  async function post<T>(path: string): Promise<T> {
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST' });
    assert.equal(response.status, 201);
    return (await response.json()) as T;
  }

  const inTrace = (traceId: string) => ingest.spans().filter((s: SpanRecord) => s.trace_id === traceId);

  for (const how of ['sync', 'async'] as const) {
    it(`runs listeners as children of the emitting span (${how === 'sync' ? 'emit' : 'emitAsync'})`, async () => {
      const { emittedIn } = await post<{ emittedIn: string }>(`/orders/o-${how}/${how}`);
      const [traceId, emitterSpanId] = emittedIn.split(':');
      await ingest.waitFor(() => inTrace(traceId!).some((s) => s.operation === 'Mailer.confirm') && inTrace(traceId!).some((s) => s.operation.startsWith('POST ')), WAIT_MS);
      const spans = inTrace(traceId!);
      const counted = spans.find((s) => s.operation === 'OrderListeners.countOrder');
      const confirmation = spans.find((s) => s.operation === 'OrderListeners.sendConfirmation');
      const mail = spans.find((s) => s.operation === 'Mailer.confirm');
      assert.equal(counted?.parent_span_id, emitterSpanId, 'a sync listener is a child of the emitter');
      assert.equal(confirmation?.parent_span_id, emitterSpanId, 'an async listener is a child of the emitter');
      assert.equal(mail?.parent_span_id, confirmation?.span_id, '@Trace inside a listener nests under it');
      assert.equal(counted?.workflow, 'events');
      assert.equal(counted?.metadata?.event, 'order.created');
      assert.equal(confirmation?.status, 'succeeded');
    });
  }

  it('records a throwing listener as failed and hands the emitter the very same error', async () => {
    const result = await post<{ emittedIn: string; caught: string; sameError: boolean }>('/orders/o-rejected/reject');
    assert.equal(result.caught, 'OrderRejectedError');
    assert.equal(result.sameError, true, 'emitAsync rejects with the exact value the listener threw');
    const [traceId, emitterSpanId] = result.emittedIn.split(':');
    await ingest.waitFor(() => inTrace(traceId!).some((s) => s.operation === 'OrderListeners.refuse'), WAIT_MS);
    const refused = inTrace(traceId!).find((s) => s.operation === 'OrderListeners.refuse')!;
    assert.equal(refused.parent_span_id, emitterSpanId);
    assert.equal(refused.status, 'failed');
    assert.equal(refused.error_type, 'OrderRejectedError');
    assert.equal(refused.error_message, 'order o-rejected rejected');
  });

  it('runs listeners as root spans when the event is emitted outside any trace', async () => {
    app.get(EventEmitter2).emit('order.created', { orderId: 'o-untraced' });
    const roots = () => ingest.spans().filter((s: SpanRecord) => s.operation.startsWith('OrderListeners.') && s.parent_span_id === null);
    await ingest.waitFor(() => roots().length === 2, WAIT_MS);
    const [first, second] = roots();
    assert.deepEqual([first!.operation, second!.operation].sort(), ['OrderListeners.countOrder', 'OrderListeners.sendConfirmation']);
    assert.notEqual(first!.trace_id, second!.trace_id, 'each listener call outside a trace starts its own trace');
  });
});

/**
 * Hybrid apps, started like Nest's microservices sample: an HTTP app with a TCP microservice
 * connected to it. Every message gets exactly one span, with or without `inheritAppConfig`.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo, Server } from 'node:net';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { ClientProxyFactory, EventPattern, MessagePattern, Payload, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { TeracronClient } from '../../lib/core/client';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { startNestApp, type RunningNestApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { httpInterceptor } from '../support/http-interceptor-mode';

@Injectable()
class Pricing {
  @Trace('pricing')
  quote(sku: string): number {
    return sku.length * 10;
  }
}

@Controller()
class HybridController {
  /** The app's own TCP client, as Nest's sample injects it; set once the microservice listens. */
  static client: ClientProxy | undefined;
  readonly seen: string[] = [];
  constructor(private readonly pricing: Pricing) {}

  @Get('health')
  health() {
    return { ok: true };
  }

  /** Nest's microservices sample: an HTTP route calling the app's own message handlers. */
  @Get('quotes')
  async quotes(): Promise<number[]> {
    const client = HybridController.client!;
    const prices: number[] = [];
    for (const sku of ['a', 'bb', 'ccc']) prices.push(await firstValueFrom(client.send<number>({ cmd: 'quote' }, sku)));
    await firstValueFrom(client.emit('sku.viewed', 'from-http'), { defaultValue: undefined });
    return prices;
  }

  @MessagePattern({ cmd: 'quote' })
  quote(@Payload() sku: string): number {
    return this.pricing.quote(sku);
  }

  @EventPattern('sku.viewed')
  viewed(@Payload() sku: string): void {
    this.seen.push(sku);
  }
}

function hybridModule(domain: string) {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, httpInterceptor, traceFlushIntervalSeconds: 1 })],
    controllers: [HybridController],
    providers: [Pricing],
  })
  class HybridModule {}
  return HybridModule;
}

for (const inheritAppConfig of [false, true]) {
  describe(`a hybrid app (connectMicroservice, inheritAppConfig: ${inheritAppConfig})`, () => {
    let ingest: IngestServer;
    let app: RunningNestApp;
    let client: ClientProxy;

    before(async () => {
      ingest = await startTestIngest();
      let port = 0;
      app = await startNestApp(hybridModule(ingest.domain), 'express', {
        configure: async (nest) => {
          const microservice = nest.connectMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } }, { inheritAppConfig });
          await nest.startAllMicroservices();
          port = (microservice.unwrap<Server>().address() as AddressInfo).port;
        },
      });
      client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
      await client.connect();
      HybridController.client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    });

    after(async () => {
      await HybridController.client?.close();
      await client.close();
      await app.close();
      await ingest.close();
    });

    it('records exactly one span per message and per event, with @Trace nested', async () => {
      for (const sku of ['a', 'bb', 'ccc']) assert.equal(await firstValueFrom(client.send<number>({ cmd: 'quote' }, sku)), sku.length * 10);
      await firstValueFrom(client.emit('sku.viewed', 'a'), { defaultValue: undefined });
      await ingest.waitFor((s) => s.spans().filter((x) => x.operation === 'Pricing.quote').length === 3 && s.spans().some((x) => x.operation === 'sku.viewed'), 10_000);
      // Each message's span ended before its answer was sent: a second one would go out with this flush.
      await app.app.get(TeracronClient).flush();
      const messages = ingest.spans().filter((s) => s.operation === '{"cmd":"quote"}');
      assert.equal(messages.length, 3, 'one span per message, never two');
      assert.ok(messages.every((m) => m.parent_span_id === null && m.workflow === 'rpc'));
      const quotes = ingest.spans().filter((s) => s.operation === 'Pricing.quote');
      assert.deepEqual(new Set(quotes.map((q) => q.parent_span_id)), new Set(messages.map((m) => m.span_id)));
      assert.equal(ingest.spans().filter((s) => s.operation === 'sku.viewed').length, 1);
    });

    it("puts every RPC handler span of an HTTP request calling the app's own microservice into the request's trace", async () => {
      const response = await fetch(`${app.url}/quotes`);
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

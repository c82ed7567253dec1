/**
 * Nest's microservices sample shape: an HTTP app with a TCP microservice connected to it
 * (`connectMicroservice`, with or without `inheritAppConfig`), whose `GET /quotes` calls the app's
 * own message handlers through a ClientProxy (three `send()`, one `emit()`), plus a second client
 * for calls from outside a request. The hybrid tests on Nest 12 and 11 share it and its
 * one-span-per-message test.
 */
import 'reflect-metadata';
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo, Server } from 'node:net';
import { Controller, Get, Injectable, Module, type LoggerService } from '@nestjs/common';
import { ClientProxyFactory, EventPattern, MessagePattern, Payload, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { TeracronClient } from '../../lib/core/client';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { httpInterceptor } from './http-interceptor-mode';
import { startNestApp, type RunningNestApp } from './nest-apps';
import { testApiKey } from './test-keys';

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

export interface HybridApp {
  app: RunningNestApp;
  /** A client of the app's microservice, for calls made outside any request. */
  client: ClientProxy;
  close(): Promise<void>;
}

export async function startHybridApp(ingest: IngestServer, inheritAppConfig: boolean, logger: LoggerService | false = false): Promise<HybridApp> {
  let port = 0;
  const app = await startNestApp(hybridModule(ingest.domain), 'express', {
    logger,
    configure: async (nest) => {
      const microservice = nest.connectMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } }, { inheritAppConfig });
      await nest.startAllMicroservices();
      port = (microservice.unwrap<Server>().address() as AddressInfo).port;
    },
  });
  const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  await client.connect();
  HybridController.client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  return {
    app,
    client,
    close: async () => {
      await HybridController.client?.close();
      await client.close();
      await app.close();
    },
  };
}

/** Declares the test that every message and event gets exactly one span, @Trace nested, whatever carries the trace. */
export function itRecordsOneSpanPerMessage(running: () => { ingest: IngestServer; hybrid: HybridApp }): void {
  it('records exactly one span per message and per event, with @Trace nested', async () => {
    const { ingest, hybrid } = running();
    const { client } = hybrid;
    for (const sku of ['a', 'bb', 'ccc']) assert.equal(await firstValueFrom(client.send<number>({ cmd: 'quote' }, sku)), sku.length * 10);
    await firstValueFrom(client.emit('sku.viewed', 'a'), { defaultValue: undefined });
    await ingest.waitFor((s) => s.spans().filter((x) => x.operation === 'Pricing.quote').length === 3 && s.spans().some((x) => x.operation === 'sku.viewed'), 10_000);
    // Each message's span ended before its answer was sent: a second one would go out with this flush.
    await hybrid.app.app.get(TeracronClient).flush();
    const messages = ingest.spans().filter((s) => s.operation === '{"cmd":"quote"}');
    assert.equal(messages.length, 3, 'one span per message, never two');
    assert.ok(messages.every((m) => m.parent_span_id === null && m.workflow === 'rpc'));
    const quotes = ingest.spans().filter((s) => s.operation === 'Pricing.quote');
    assert.deepEqual(new Set(quotes.map((q) => q.parent_span_id)), new Set(messages.map((m) => m.span_id)));
    assert.equal(ingest.spans().filter((s) => s.operation === 'sku.viewed').length, 1);
  });
}

/**
 * Two Nest services joined by gRPC (@grpc/grpc-js, pure JS, on loopback; no broker), each with
 * its own Teracron client sending to one ingest: B serves `PricingService.Quote` (a `@Trace`
 * child inside), A is an HTTP app whose `GET /quote` calls it through
 * `ClientGrpcProxy.getService()` with metadata of its own. The gRPC tests on Nest 12 and 11 share
 * the pair and its test.
 */
import 'reflect-metadata';
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import path from 'node:path';
import { Controller, Get, Inject, Injectable, Module, UseGuards, type CanActivate, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Metadata } from '@grpc/grpc-js';
import { ClientsModule, GrpcMethod, Transport, type ClientGrpc } from '@nestjs/microservices';
import { firstValueFrom, type Observable } from 'rxjs';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { responseTraceIds, withHttpCaller, type ServicePair } from './nest-apps';
import { testApiKey } from './test-keys';

const PROTO = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'grpc', 'pricing.proto');
interface QuoteRequest {
  sku: string;
  qty: number;
}
interface PricingClient {
  quote(request: QuoteRequest, metadata?: Metadata): Observable<{ price: number; sku: string }>;
  refuse(request: QuoteRequest): Observable<{ price: number; sku: string }>;
}

class DenyAll implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Injectable()
class Prices {
  @Trace('pricing')
  price(request: QuoteRequest): number {
    return request.qty * 10;
  }
}

@Controller()
export class PricingController {
  static readonly received: unknown[] = [];
  constructor(private readonly prices: Prices) {}

  @GrpcMethod('PricingService', 'Quote')
  quote(request: QuoteRequest): { price: number; sku: string } {
    PricingController.received.push({ ...request });
    return { price: this.prices.price(request), sku: request.sku };
  }

  @GrpcMethod('PricingService', 'Refuse')
  @UseGuards(DenyAll)
  refuse(): { price: number; sku: string } {
    return { price: 0, sku: 'never' };
  }
}

@Controller()
export class CallerController implements OnModuleInit {
  static readonly callerMetadata = new Metadata();
  private pricing!: PricingClient;
  constructor(@Inject('PRICING') private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.pricing = this.client.getService<PricingClient>('PricingService');
  }

  @Get('quote')
  quote(): Promise<unknown> {
    CallerController.callerMetadata.set('x-caller', 'a');
    return firstValueFrom(this.pricing.quote({ sku: 'abc-1', qty: 3 }, CallerController.callerMetadata));
  }

  /** B's guard refuses: answers what the call ended with. */
  @Get('refused')
  async refused(): Promise<unknown> {
    try {
      return await firstValueFrom(this.pricing.refuse({ sku: 'abc-1', qty: 1 }));
    } catch (error) {
      return { refused: (error as { details?: string }).details };
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type GrpcPair = ServicePair;

/** Starts B's gRPC server on a free loopback port, then A with a client for it; both trace into `ingest`. */
export async function startGrpcPair(ingest: IngestServer): Promise<GrpcPair> {
  const teracron = () => TeracronModule.forRoot({ apiKey: testApiKey(), domain: ingest.domain, traceFlushIntervalSeconds: 1 });
  const url = `127.0.0.1:${await freePort()}`;
  const grpc = { package: 'pricing', protoPath: PROTO, url };

  @Module({ imports: [teracron()], controllers: [PricingController], providers: [Prices] })
  class ServiceB {}
  @Module({ imports: [teracron(), ClientsModule.register([{ name: 'PRICING', transport: Transport.GRPC, options: grpc }])], controllers: [CallerController] })
  class ServiceA {}

  const b = await NestFactory.createMicroservice(ServiceB, { transport: Transport.GRPC, options: grpc, logger: false, abortOnError: false });
  await b.listen();
  return withHttpCaller(b, ServiceA);
}

/**
 * Declares the unary-call test: one trace from A's request span through A's client span and B's
 * handler span to B's @Trace child, the request message and the caller's metadata unchanged.
 */
export function itCarriesTheTraceOverGrpc(running: () => { ingest: IngestServer; pair: GrpcPair }): void {
  it('a unary call: one trace from A request to B @Trace child, the message and the caller metadata unchanged', async () => {
    const { ingest, pair } = running();
    const response = await fetch(`${pair.a.url}/quote`);
    assert.deepEqual(await response.json(), { price: 30, sku: 'abc-1' });
    assert.deepEqual(PricingController.received.at(-1), { sku: 'abc-1', qty: 3 });
    assert.deepEqual(CallerController.callerMetadata.getMap(), { 'x-caller': 'a' }, "the caller's metadata is not changed");
    const { traceId } = responseTraceIds(response);
    const inTrace = () => ingest.spans().filter((s) => s.trace_id === traceId);
    await ingest.waitFor(() => inTrace().some((s) => s.operation === 'Prices.price') && inTrace().some((s) => s.operation === 'GET /quote'), 15_000);
    const request = inTrace().find((s) => s.operation === 'GET /quote')!;
    const client = inTrace().find((s) => s.metadata?.['rpc.kind'] === 'grpc')!;
    const handler = inTrace().find((s) => s.workflow === 'rpc' && s.metadata?.['rpc.kind'] === undefined)!;
    const child = inTrace().find((s) => s.operation === 'Prices.price')!;
    assert.equal(client.operation, 'PricingService.Quote');
    assert.equal(handler.operation, 'PricingService.Quote');
    assert.equal(client.parent_span_id, request.span_id);
    assert.equal(handler.parent_span_id, client.span_id);
    assert.equal(child.parent_span_id, handler.span_id);
  });
}

/**
 * Two Nest services joined by a microservice transport, each with its own Teracron client sending
 * to one ingest: A is an HTTP app whose handlers call B through a ClientProxy (`send()` and
 * `emit()`); B is a microservice whose handlers call a `@Trace` method and keep the payloads
 * they received. Used by the transport tests, one broker at a time.
 */
import 'reflect-metadata';
import { Controller, Get, Inject, Injectable, Module, type DynamicModule, type INestMicroservice, type LoggerService, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientsModule, EventPattern, MessagePattern, Payload, type ClientProxy } from '@nestjs/microservices';
import type { AddressInfo, Server } from 'node:net';
import { firstValueFrom, type Observable } from 'rxjs';
import type { SpanRecord } from '../../lib/core/types';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { responseTraceIds, withHttpCaller, type ServicePair } from './nest-apps';
import { testApiKey } from './test-keys';

export const SERVICE_B = 'SERVICE_B';
/** What A sends: nested, so a changed payload shows. */
export const PAYLOAD = { sku: 'abc-1', qty: 3, tags: ['x', 'y'], nested: { ok: true } };

@Injectable()
export class Pricing {
  @Trace('pricing')
  quote(payload: typeof PAYLOAD): number {
    return payload.qty * 10;
  }

  @Trace('pricing')
  record(payload: typeof PAYLOAD): void {
    void payload;
  }
}

@Controller()
export class ServiceBController {
  static readonly received: unknown[] = [];
  static readonly events: unknown[] = [];
  static eventSeen: (() => void) | undefined;
  constructor(private readonly pricing: Pricing) {}

  @MessagePattern('quote')
  quote(@Payload() payload: typeof PAYLOAD): { price: number; echo: unknown } {
    ServiceBController.received.push(payload);
    return { price: this.pricing.quote(payload), echo: payload };
  }

  @EventPattern('viewed')
  viewed(@Payload() payload: typeof PAYLOAD): void {
    this.pricing.record(payload);
    ServiceBController.events.push(payload);
    ServiceBController.eventSeen?.();
  }
}

@Controller()
export class ServiceAController implements OnModuleInit {
  constructor(@Inject(SERVICE_B) private readonly client: ClientProxy) {}

  /** Kafka's client answers send() only on reply topics it subscribed to before connecting. */
  onModuleInit(): void {
    (this.client as { subscribeToResponseOf?(pattern: string): void }).subscribeToResponseOf?.('quote');
  }

  @Get('send')
  send(): Promise<unknown> {
    return firstValueFrom(this.client.send('quote', PAYLOAD));
  }

  @Get('emit')
  async emit(): Promise<{ emitted: true }> {
    await firstValueFrom(this.client.emit('viewed', PAYLOAD), { defaultValue: undefined });
    return { emitted: true };
  }

  /** Kafka only: two records in one `ClientKafka.emitBatch()`. */
  @Get('emit-batch')
  async emitBatch(): Promise<{ emitted: number }> {
    const kafka = this.client as unknown as { emitBatch(pattern: string, batch: { messages: unknown[] }): Observable<unknown> };
    await firstValueFrom(kafka.emitBatch('viewed', { messages: [PAYLOAD, { ...PAYLOAD, qty: 4 }] }), { defaultValue: undefined });
    return { emitted: 2 };
  }
}

export type { ServicePair } from './nest-apps';

/** Starts B on `transport`/`options`, then A with a client for the same; both trace into `ingest`. */
export async function startServicePair(
  ingest: IngestServer,
  transport: number,
  serverOptions: object,
  /** A's client options; a function is asked once B listens (TCP learns B's port there). */
  clientOptions: object | ((b: INestMicroservice) => object) = serverOptions,
  /** Both services' Nest logger (default: none), for tests that read what was logged. */
  logger: LoggerService | false = false,
): Promise<ServicePair> {
  ServiceBController.received.length = 0;
  ServiceBController.events.length = 0;
  const teracron = (): DynamicModule => TeracronModule.forRoot({ apiKey: testApiKey(), domain: ingest.domain, traceFlushIntervalSeconds: 1 });

  @Module({ imports: [teracron()], controllers: [ServiceBController], providers: [Pricing] })
  class ServiceB {}

  const b = await NestFactory.createMicroservice(ServiceB, { transport, options: serverOptions, logger, abortOnError: false } as never);
  await b.listen();
  const options = typeof clientOptions === 'function' ? clientOptions(b) : clientOptions;

  @Module({ imports: [teracron(), ClientsModule.register([{ name: SERVICE_B, transport, options } as never])], controllers: [ServiceAController] })
  class ServiceA {}
  return withHttpCaller(b, ServiceA, { logger });
}

export interface HopTrace {
  request: SpanRecord;
  client: SpanRecord;
  handler: SpanRecord;
  child: SpanRecord;
}

/**
 * Calls A's `/send` or `/emit` and waits for the whole hop in the ingest: A's request span → A's
 * client span → B's handler span → B's `@Trace` child, all in the request's trace.
 */
export async function callAcrossTheHop(ingest: IngestServer, pair: ServicePair, kind: 'send' | 'emit'): Promise<{ body: unknown; trace: HopTrace }> {
  const response = await fetch(`${pair.a.url}/${kind}`);
  const body: unknown = await response.json();
  const { traceId } = responseTraceIds(response);
  const childOperation = kind === 'send' ? 'Pricing.quote' : 'Pricing.record';
  const pattern = kind === 'send' ? 'quote' : 'viewed';
  const inTrace = (s: IngestServer) => s.spans().filter((span) => span.trace_id === traceId);
  await ingest.waitFor((s) => inTrace(s).some((span) => span.operation === `GET /${kind}`) && inTrace(s).some((span) => span.operation === childOperation), 15_000);
  const spans = inTrace(ingest);
  const find = (what: string, match: (span: SpanRecord) => boolean): SpanRecord => {
    const found = spans.filter(match);
    if (found.length !== 1) throw new Error(`expected one ${what} in trace ${traceId}, found ${found.length}: ${JSON.stringify(spans.map((s) => [s.workflow, s.operation, s.metadata]))}`);
    return found[0]!;
  };
  return {
    body,
    trace: {
      request: find('request span', (s) => s.operation === `GET /${kind}`),
      client: find('client span', (s) => s.workflow === 'rpc' && s.operation === pattern && s.metadata?.['rpc.kind'] === kind),
      handler: find('handler span', (s) => s.workflow === 'rpc' && s.operation === pattern && s.metadata?.['rpc.kind'] === undefined),
      child: find('@Trace child', (s) => s.operation === childOperation),
    },
  };
}


/** B's TCP port, once it listens on port 0. */
export function tcpPortOf(b: INestMicroservice): number {
  return (b.unwrap<Server>().address() as AddressInfo).port;
}

export interface UncarriedHop {
  /** A's request span and client span, in the request's trace. */
  request: SpanRecord;
  client: SpanRecord;
  /** B's handler span and its @Trace child, in a trace of B's own. */
  handler: SpanRecord;
  child: SpanRecord;
}

/**
 * Calls A's `/send` or `/emit` where the transport carries no trace (Nest 11's TCP and Redis):
 * waits for A's request and client spans in the request's trace and for B's new handler span
 * and `@Trace` child, wherever they are.
 */
export async function callWithoutCarrying(ingest: IngestServer, pair: ServicePair, kind: 'send' | 'emit'): Promise<{ body: unknown; hop: UncarriedHop }> {
  const childOperation = kind === 'send' ? 'Pricing.quote' : 'Pricing.record';
  const pattern = kind === 'send' ? 'quote' : 'viewed';
  const isChild = (span: SpanRecord) => span.operation === childOperation;
  const seen = new Set(ingest.spans().filter(isChild).map((span) => span.span_id));
  const response = await fetch(`${pair.a.url}/${kind}`);
  const body: unknown = await response.json();
  const { traceId } = responseTraceIds(response);
  const newChild = (s: IngestServer) => s.spans().find((span) => isChild(span) && !seen.has(span.span_id));
  const inTrace = (s: IngestServer) => s.spans().filter((span) => span.trace_id === traceId);
  await ingest.waitFor((s) => inTrace(s).some((span) => span.operation === `GET /${kind}`) && inTrace(s).some((span) => span.metadata?.['rpc.kind'] === kind) && newChild(s) !== undefined, 15_000);
  const child = newChild(ingest)!;
  await ingest.waitFor((s) => s.spans().some((span) => span.span_id === child.parent_span_id), 15_000);
  const handler = ingest.spans().find((span) => span.span_id === child.parent_span_id)!;
  const spans = inTrace(ingest);
  return {
    body,
    hop: {
      request: spans.find((span) => span.operation === `GET /${kind}`)!,
      client: spans.find((span) => span.workflow === 'rpc' && span.operation === pattern && span.metadata?.['rpc.kind'] === kind)!,
      handler,
      child,
    },
  };
}

/**
 * Kafka's server and client options (kafkajs) for a broker at `url`. The test broker (kcat's mock
 * cluster) does not wake a waiting fetch when a record arrives: a short fetch wait keeps each hop
 * under a second instead of kafkajs' 5 s default.
 */
export function kafkaOptions(url: string): object {
  return { client: { clientId: 'teracron-hop', brokers: [url] }, consumer: { groupId: 'teracron-hop', maxWaitTimeInMs: 100 } };
}

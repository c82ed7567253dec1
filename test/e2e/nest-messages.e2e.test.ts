/**
 * Message handlers get a root span each: a TCP microservice's @MessagePattern / @EventPattern
 * (operation = the pattern) and a WebSocket gateway's @SubscribeMessage (operation = the event),
 * with the user's @Trace spans nested under them.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo, Server } from 'node:net';
import { Controller, Injectable, Module, UseGuards, type CallHandler, type CanActivate, type ExecutionContext, type INestMicroservice, type NestInterceptor } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, EventPattern, MessagePattern, Payload, Transport, type ClientProxy } from '@nestjs/microservices';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { firstValueFrom, type Observable } from 'rxjs';
import WebSocket from 'ws';
import { TeracronClient } from '../../lib/core/client';
import type { SpanRecord } from '../../lib/core/types';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { currentSpan } from '../../lib/tracing/tracer';
import { PLATFORMS, startNestApp, type RunningNestApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { httpInterceptor } from '../support/http-interceptor-mode';

const WAIT_MS = 10_000;

@Injectable()
class Calculator {
  @Trace('math')
  sum(numbers: number[]): number {
    return numbers.reduce((total, n) => total + n, 0);
  }
}

/** The app's own global interceptor, as an audit log would be: on Nest 12 it runs inside the message's span. */
class AuditInterceptor implements NestInterceptor {
  @Trace('audit')
  record(pattern: string): string {
    return pattern;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.record(context.switchToRpc().getContext<{ getPattern(): string }>().getPattern());
    return next.handle();
  }
}

class DenyAll implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Controller()
class MathController {
  readonly created: unknown[] = [];

  constructor(private readonly calculator: Calculator) {}

  @MessagePattern({ cmd: 'sum' })
  sum(@Payload() numbers: number[]): number {
    return this.calculator.sum(numbers);
  }

  @MessagePattern({ cmd: 'secret' })
  @UseGuards(DenyAll)
  secret(): string {
    return 'never';
  }

  @EventPattern('order.created')
  orderCreated(@Payload() order: unknown): void {
    this.created.push(order);
  }
}

@Controller()
class LedgerController {
  constructor(private readonly calculator: Calculator) {}

  @MessagePattern({ cmd: 'post' })
  post(@Payload() numbers: number[]): number {
    return this.calculator.sum(numbers);
  }

  @MessagePattern({ cmd: 'reconcile' })
  reconcile(): never {
    throw new Error('ledger unreachable');
  }
}

@WebSocketGateway({ path: '/ws' })
class PingGateway {
  @SubscribeMessage('ping')
  ping(@MessageBody() data: unknown): { event: string; data: unknown } {
    return { event: 'pong', data };
  }
}

function microserviceModule(domain: string): new () => unknown {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, httpInterceptor, traceFlushIntervalSeconds: 1 })],
    controllers: [MathController],
    providers: [Calculator],
  })
  class MicroserviceModule {}
  return MicroserviceModule;
}

/** The app's own global interceptor, reading the trace it runs in (as a logger's correlation would). */
class TraceIdProbe implements NestInterceptor {
  readonly seen: Array<string | undefined> = [];

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.seen.push(currentSpan()?.traceId);
    return next.handle();
  }
}

/** Every trace not kept (rate 0): a message's root is only watched, and sent alone if it fails. */
function unkeptModule(domain: string): new () => unknown {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, httpInterceptor, traceSampleRate: 0, traceFlushIntervalSeconds: 300 })],
    controllers: [LedgerController],
    providers: [Calculator],
  })
  class UnkeptModule {}
  return UnkeptModule;
}

function gatewayModule(domain: string): new () => unknown {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, httpInterceptor, traceFlushIntervalSeconds: 1 })],
    providers: [PingGateway],
  })
  class GatewayModule {}
  return GatewayModule;
}

/** `module` as a TCP microservice on a free loopback port with the app's own global `interceptor`, and a connected client for it. */
async function startTcpMicroservice(module: new () => unknown, interceptor: NestInterceptor): Promise<{ microservice: INestMicroservice; client: ClientProxy }> {
  const microservice = await NestFactory.createMicroservice(module, { transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 }, logger: false, abortOnError: false });
  microservice.useGlobalInterceptors(interceptor);
  await microservice.listen();
  const { port } = microservice.unwrap<Server>().address() as AddressInfo;
  const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  await client.connect();
  return { microservice, client };
}

describe('a TCP microservice', () => {
  let ingest: Awaited<ReturnType<typeof startTestIngest>>;
  let microservice: INestMicroservice;
  let client: ClientProxy;

  before(async () => {
    ingest = await startTestIngest();
    ({ microservice, client } = await startTcpMicroservice(microserviceModule(ingest.domain), new AuditInterceptor()));
  });

  after(async () => {
    await client?.close();
    await microservice?.close();
    await ingest?.close();
  });

  const withOperation = (operation: string): SpanRecord[] => ingest.spans().filter((span) => span.operation === operation);

  it('records one span per @MessagePattern message, named by the pattern, with @Trace under it', async () => {
    assert.equal(await firstValueFrom(client.send<number>({ cmd: 'sum' }, [1, 2, 3])), 6);
    await ingest.waitFor(() => withOperation('{"cmd":"sum"}').length === 1 && withOperation('Calculator.sum').length === 1, WAIT_MS);
    const [message] = withOperation('{"cmd":"sum"}');
    const [sum] = withOperation('Calculator.sum');
    assert.equal(message!.workflow, 'rpc');
    assert.equal(message!.parent_span_id, null);
    assert.equal(message!.status, 'succeeded');
    assert.equal(sum!.parent_span_id, message!.span_id);
    assert.equal(sum!.trace_id, message!.trace_id);
  });

  it('opens the message span before Nest\'s pipeline: the app\'s global interceptor runs in it, and a guard\'s refusal fails it', async () => {
    const before = ingest.spans().length;
    assert.equal(await firstValueFrom(client.send<number>({ cmd: 'sum' }, [4, 5])), 9);
    await ingest.waitFor(() => ingest.spans().slice(before).some((span) => span.operation === 'AuditInterceptor.record'), WAIT_MS);
    const audit = ingest.spans().slice(before).find((span) => span.operation === 'AuditInterceptor.record')!;
    const message = ingest.spans().find((span) => span.trace_id === audit.trace_id && span.operation === '{"cmd":"sum"}');
    assert.ok(message, 'the audit span is in the message\'s trace');
    assert.equal(audit.parent_span_id, message.span_id);

    await assert.rejects(firstValueFrom(client.send<string>({ cmd: 'secret' }, {})));
    await ingest.waitFor(() => withOperation('{"cmd":"secret"}').length === 1, WAIT_MS);
    const [refused] = withOperation('{"cmd":"secret"}');
    assert.equal(refused!.workflow, 'rpc');
    assert.equal(refused!.status, 'failed');
    // A microservice guard refuses with Nest's RpcException('Forbidden resource').
    assert.equal(refused!.error_type, 'RpcException');
    assert.equal(refused!.error_message, 'Forbidden resource');
  });

  it('records one span per @EventPattern event, named by the pattern', async () => {
    await firstValueFrom(client.emit('order.created', { id: 'o-1' }), { defaultValue: undefined });
    await ingest.waitFor(() => withOperation('order.created').length === 1, WAIT_MS);
    assert.equal(withOperation('order.created')[0]!.workflow, 'rpc');
    assert.equal(microservice.get(MathController).created.length, 1);
  });
});

describe('a TCP microservice whose traces are not kept', () => {
  const probe = new TraceIdProbe();
  let ingest: Awaited<ReturnType<typeof startTestIngest>>;
  let microservice: INestMicroservice;
  let client: ClientProxy;

  before(async () => {
    ingest = await startTestIngest();
    ({ microservice, client } = await startTcpMicroservice(unkeptModule(ingest.domain), probe));
  });

  after(async () => {
    await client?.close();
    await microservice?.close();
    await ingest?.close();
  });

  it('sends nothing for a message that succeeded and the failed one alone, with its error, in the trace its handler ran in', async () => {
    assert.equal(await firstValueFrom(client.send<number>({ cmd: 'post' }, [2, 3])), 5);
    await assert.rejects(firstValueFrom(client.send<number>({ cmd: 'reconcile' }, {})));
    await microservice.get(TeracronClient).flush();
    const spans = ingest.spans();
    assert.deepEqual(spans.map((span) => span.operation), ['{"cmd":"reconcile"}']);
    assert.equal(spans[0]!.status, 'failed');
    assert.equal(spans[0]!.error_message, 'ledger unreachable');
    assert.equal(spans[0]!.parent_span_id, null);
    // The app's interceptor ran in the trace the message's root belongs to, not in one decided apart.
    assert.equal(probe.seen.length, 2);
    assert.equal(probe.seen[1], spans[0]!.trace_id);
  });
});

for (const platform of PLATFORMS) {
  describe(`a WebSocket gateway on ${platform}`, () => {
    let ingest: Awaited<ReturnType<typeof startTestIngest>>;
    let running: RunningNestApp;

    before(async () => {
      ingest = await startTestIngest();
      running = await startNestApp(gatewayModule(ingest.domain), platform, { configure: (app) => void app.useWebSocketAdapter(new WsAdapter(app)) });
    });

    after(async () => {
      await running?.close();
      await ingest?.close();
    });

    it('records one span per gateway message, named by the event', async () => {
      const socket = new WebSocket(`${running.url.replace('http:', 'ws:')}/ws`);
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('open', resolve);
          socket.once('error', reject);
        });
        const reply = new Promise<string>((resolve) => socket.once('message', (data: WebSocket.RawData) => resolve(data.toString())));
        socket.send(JSON.stringify({ event: 'ping', data: { n: 1 } }));
        assert.deepEqual(JSON.parse(await reply), { event: 'pong', data: { n: 1 } });
      } finally {
        socket.close();
      }
      await ingest.waitFor(() => ingest.spans().some((span) => span.operation === 'ping'), WAIT_MS);
      const spans = ingest.spans().filter((span) => span.operation === 'ping');
      assert.equal(spans.length, 1);
      assert.equal(spans[0]!.workflow, 'ws');
      assert.equal(spans[0]!.status, 'succeeded');
    });
  });
}

/**
 * The microservice hops on Nest 11 (11.1+, the fixture's set: test/support/nest11-resolution
 * makes every @nestjs/* of this process, ours included, the Nest 11 one), with the same real
 * brokers and the same apps as the Nest 12 suites. Where Nest 11 carries the trace (NATS,
 * RabbitMQ and Kafka headers, MQTT v5 user properties, gRPC metadata), an HTTP request in A calling B
 * through `send()` / `.emit()` is one trace: A's request span → A's client span → B's handler span
 * → B's `@Trace` child, the payload unchanged. TCP and Redis have no packet metadata before Nest
 * 12 (and MQTT 3.1.1 no headers at all): A still records its client span, B's handler starts its own trace, and nothing throws, logs
 * or changes the payload; so does Nest's sample shape (a hybrid HTTP + TCP app calling itself),
 * every message still one span. RabbitMQ boots (~25 s) while the other transports run.
 */
import { loadedNestMicroservicesVersion } from '../support/nest11-resolution';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { INestMicroservice } from '@nestjs/common';
import { Transport } from '@nestjs/microservices';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { startKafkaMock, startMosquitto, startNats, startRabbitMq, type RunningBroker } from '../support/brokers';
import { itCarriesTheTraceOverGrpc, startGrpcPair, type GrpcPair } from '../support/grpc-pair';
import { itCarriesTheTraceAcrossTheHop, itDegradesWithoutCarryingTheTrace } from '../support/hop-tests';
import { itRecordsOneSpanPerMessage, startHybridApp, type HybridApp } from '../support/hybrid-app';
import { kafkaOptions, startServicePair, tcpPortOf, type ServicePair } from '../support/microservice-pair';
import { CapturedLogger } from '../support/nest-apps';
import { startRedis } from '../support/redis';
import { startTestIngest } from '../support/start-ingest';

let ingest: IngestServer;
let rabbitMq: Promise<RunningBroker> | undefined;

before(async () => {
  ingest = await startTestIngest();
  rabbitMq = startRabbitMq();
  // Never an unhandled rejection while the other suites run; the RabbitMQ suite awaits it.
  rabbitMq.catch(() => {});
});

after(async () => {
  await (await rabbitMq?.catch(() => undefined))?.stop();
  await ingest?.close();
});

it('runs on Nest 11', () => {
  assert.equal(loadedNestMicroservicesVersion().split('.')[0], '11');
});

interface Nest11Case {
  name: string;
  transport: Transport;
  /** Starts the broker (if any) and returns the server options, and A's client options once B listens. */
  start(): Promise<{ server: object; client(b: INestMicroservice): object; stop(): Promise<void> }>;
}

function onBroker(start: () => Promise<RunningBroker>, options: (broker: RunningBroker) => object): Nest11Case['start'] {
  return async () => {
    const broker = await start();
    return { server: options(broker), client: () => options(broker), stop: () => broker.stop() };
  };
}

const tcp: Nest11Case['start'] = async () => ({
  server: { host: '127.0.0.1', port: 0 },
  client: (b) => ({ host: '127.0.0.1', port: tcpPortOf(b) }),
  stop: async () => {},
});

function describeHop(transportCase: Nest11Case, tests: (running: () => { ingest: IngestServer; pair: ServicePair; logger: CapturedLogger }) => void): void {
  describe(`a microservice hop over ${transportCase.name} on Nest 11`, () => {
    let broker: Awaited<ReturnType<Nest11Case['start']>>;
    let pair: ServicePair;
    const logger = new CapturedLogger();

    before(async () => {
      broker = await transportCase.start();
      pair = await startServicePair(ingest, transportCase.transport, broker.server, broker.client, logger);
    });

    after(async () => {
      await pair?.close();
      await broker?.stop();
    });

    tests(() => ({ ingest, pair, logger }));
  });
}

describeHop({ name: 'TCP', transport: Transport.TCP, start: tcp }, itDegradesWithoutCarryingTheTrace);
describeHop({ name: 'Redis', transport: Transport.REDIS, start: onBroker(startRedis, (redis) => ({ host: '127.0.0.1', port: redis.port })) }, itDegradesWithoutCarryingTheTrace);
describeHop({ name: 'NATS', transport: Transport.NATS, start: onBroker(startNats, (nats) => ({ servers: [nats.url] })) }, itCarriesTheTraceAcrossTheHop);
describeHop(
  { name: 'MQTT v5', transport: Transport.MQTT, start: onBroker(startMosquitto, (mqtt) => ({ url: mqtt.url, protocolVersion: 5 })) },
  itCarriesTheTraceAcrossTheHop,
);
describeHop(
  { name: 'MQTT 3.1.1', transport: Transport.MQTT, start: onBroker(startMosquitto, (mqtt) => ({ url: mqtt.url, protocolVersion: 4 })) },
  itDegradesWithoutCarryingTheTrace,
);
describeHop({ name: 'Kafka', transport: Transport.KAFKA, start: onBroker(startKafkaMock, (kafka) => kafkaOptions(kafka.url)) }, itCarriesTheTraceAcrossTheHop);

describe('a microservice hop over gRPC on Nest 11', () => {
  let pair: GrpcPair;
  before(async () => {
    pair = await startGrpcPair(ingest);
  });
  after(async () => {
    await pair?.close();
  });
  itCarriesTheTraceOverGrpc(() => ({ ingest, pair }));
});

for (const inheritAppConfig of [false, true]) {
  describe(`a hybrid app (connectMicroservice, inheritAppConfig: ${inheritAppConfig}) on Nest 11`, () => {
    // An ingest of its own: the one-span test counts every message span it holds.
    let ingest: IngestServer;
    let hybrid: HybridApp;
    const logger = new CapturedLogger();
    before(async () => {
      ingest = await startTestIngest();
      hybrid = await startHybridApp(ingest, inheritAppConfig, logger);
    });
    after(async () => {
      await hybrid?.close();
      await ingest?.close();
    });

    itRecordsOneSpanPerMessage(() => ({ ingest, hybrid }));

    it("an HTTP request calling the app's own handlers: its four client spans under the request, each handler a root of its own trace, nothing logged", async () => {
      const handlerIds = () => new Set(ingest.spans().filter((s) => s.workflow === 'rpc' && s.metadata?.['rpc.kind'] === undefined).map((s) => s.span_id));
      const before = { handlers: handlerIds(), lines: logger.lines.length };
      const response = await fetch(`${hybrid.app.url}/quotes`);
      assert.deepEqual(await response.json(), [10, 20, 30]);
      const traceId = response.headers.get('x-teracron-trace')!.split(':')[0];
      const newHandlers = () => ingest.spans().filter((s) => s.workflow === 'rpc' && s.metadata?.['rpc.kind'] === undefined && !before.handlers.has(s.span_id));
      const clients = () => ingest.spans().filter((s) => s.trace_id === traceId && s.metadata?.['rpc.kind'] !== undefined);
      await ingest.waitFor(() => newHandlers().length === 4 && clients().length === 4, 10_000);
      const request = ingest.spans().find((s) => s.trace_id === traceId && s.operation === 'GET /quotes')!;
      assert.ok(clients().every((c) => c.parent_span_id === request.span_id), "three send() and one emit() client spans, under the request's span");
      assert.ok(newHandlers().every((h) => h.parent_span_id === null && h.trace_id !== traceId), 'each handler span a root: TCP carries nothing on Nest 11');
      assert.deepEqual(logger.lines.slice(before.lines), []);
    });
  });
}

describeHop(
  {
    name: 'RabbitMQ',
    transport: Transport.RMQ,
    start: async () => {
      const broker = await rabbitMq!;
      const options = { urls: [broker.url], queue: 'teracron_hop_nest11', queueOptions: { durable: false } };
      return { server: options, client: () => options, stop: async () => {} };
    },
  },
  itCarriesTheTraceAcrossTheHop,
);

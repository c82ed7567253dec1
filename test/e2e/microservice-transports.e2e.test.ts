/**
 * One trace across a microservice hop, on each transport with a real broker (Debian packages, on
 * free loopback ports): an HTTP request in service A calls service B through `ClientProxy.send()`
 * and `.emit()`; the ingest holds A's request span → A's client span → B's handler span → B's
 * `@Trace` child, and B receives the payload A sent, unchanged; MQTT 3.1.1, with no headers to
 * carry it in, degrades quietly (A's client span, B's own trace, nothing logged). Kafka's broker is kcat's
 * librdkafka mock cluster (brokers.ts). RabbitMQ has its own file (its broker takes ~25 s to
 * boot), gRPC too (no broker, a proto file).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { INestMicroservice } from '@nestjs/common';
import { Transport } from '@nestjs/microservices';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { startKafkaMock, startMosquitto, startNats, type RunningBroker } from '../support/brokers';
import { itCarriesTheTraceAcrossTheHop, itDegradesWithoutCarryingTheTrace } from '../support/hop-tests';
import { kafkaOptions, PAYLOAD, ServiceBController, startServicePair, tcpPortOf, type ServicePair } from '../support/microservice-pair';
import { CapturedLogger, responseTraceIds } from '../support/nest-apps';
import { startRedis } from '../support/redis';
import { startTestIngest } from '../support/start-ingest';

interface TransportCase {
  name: string;
  transport: Transport;
  /** Starts the broker (if any) and returns the server and client options. */
  start(): Promise<{ options: object; stop(): Promise<void> }>;
  /** The protocol has nowhere to carry the trace (MQTT 3.1.1): the hop must degrade quietly. */
  uncarried?: true;
}

function onBroker(start: () => Promise<RunningBroker>, options: (broker: RunningBroker) => object): TransportCase['start'] {
  return async () => {
    const broker = await start();
    return { options: options(broker), stop: () => broker.stop() };
  };
}

const CASES: TransportCase[] = [
  {
    name: 'TCP',
    transport: Transport.TCP,
    start: async () => ({ options: { host: '127.0.0.1', port: 0 }, stop: async () => {} }),
  },
  { name: 'Redis', transport: Transport.REDIS, start: onBroker(startRedis, (redis) => ({ host: '127.0.0.1', port: redis.port })) },
  { name: 'NATS', transport: Transport.NATS, start: onBroker(startNats, (nats) => ({ servers: [nats.url] })) },
  { name: 'MQTT v5', transport: Transport.MQTT, start: onBroker(startMosquitto, (mqtt) => ({ url: mqtt.url, protocolVersion: 5 })) },
  { name: 'MQTT 3.1.1', transport: Transport.MQTT, start: onBroker(startMosquitto, (mqtt) => ({ url: mqtt.url, protocolVersion: 4 })), uncarried: true },
  { name: 'Kafka', transport: Transport.KAFKA, start: onBroker(startKafkaMock, (kafka) => kafkaOptions(kafka.url)) },
];

for (const transportCase of CASES) {
  describe(`a microservice hop over ${transportCase.name}`, () => {
    let ingest: IngestServer;
    let broker: { options: object; stop(): Promise<void> };
    let pair: ServicePair;
    const logger = new CapturedLogger();

    before(async () => {
      ingest = await startTestIngest();
      broker = await transportCase.start();
      // TCP has no broker: B listens on a free port, and A's client is pointed at the port it got.
      const clientOptions = transportCase.transport === Transport.TCP ? (b: INestMicroservice) => ({ host: '127.0.0.1', port: tcpPortOf(b) }) : broker.options;
      pair = await startServicePair(ingest, transportCase.transport, broker.options, clientOptions, logger);
    });

    after(async () => {
      await pair?.close();
      await broker?.stop();
      await ingest?.close();
    });

    if (transportCase.uncarried) itDegradesWithoutCarryingTheTrace(() => ({ ingest, pair, logger }));
    else itCarriesTheTraceAcrossTheHop(() => ({ ingest, pair }));

    if (transportCase.transport === Transport.KAFKA) {
      it('emitBatch(): one client span for the batch, each record handled under it in A request trace, the payloads unchanged', async () => {
        const events = ServiceBController.events.length;
        const response = await fetch(`${pair.a.url}/emit-batch`);
        assert.deepEqual(await response.json(), { emitted: 2 });
        const { traceId } = responseTraceIds(response);
        const inTrace = () => ingest.spans().filter((span) => span.trace_id === traceId);
        const handlers = () => inTrace().filter((span) => span.workflow === 'rpc' && span.operation === 'viewed' && span.metadata?.['rpc.kind'] === undefined);
        await ingest.waitFor(() => handlers().length === 2 && inTrace().some((span) => span.operation === 'GET /emit-batch'), 15_000);
        const request = inTrace().find((span) => span.operation === 'GET /emit-batch')!;
        const clients = inTrace().filter((span) => span.workflow === 'rpc' && span.metadata?.['rpc.kind'] === 'emit');
        assert.equal(clients.length, 1, 'one client span for the batch');
        assert.equal(clients[0]!.operation, 'viewed');
        assert.equal(clients[0]!.parent_span_id, request.span_id);
        for (const handler of handlers()) assert.equal(handler.parent_span_id, clients[0]!.span_id);
        const received = ServiceBController.events.slice(events) as (typeof PAYLOAD)[];
        assert.deepEqual(received.map((event) => event.qty).sort(), [3, 4]);
        assert.deepEqual(received.find((event) => event.qty === 3), PAYLOAD, 'the payload unchanged');
      });
    }
  });
}


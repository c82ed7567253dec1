/**
 * One trace across a RabbitMQ hop, with a real broker (Debian package rabbitmq-server, its own
 * Erlang node name, cookie, data folder and ports on loopback; it boots in ~25 s on a loaded
 * machine, hence a file of its own that runs beside the others): an HTTP request in A calls B
 * through `send()` and `.emit()`; the trace rides in the AMQP message headers, the body keeps the
 * payload A sent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Transport } from '@nestjs/microservices';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { startRabbitMq, type RunningBroker } from '../support/brokers';
import { itCarriesTheTraceAcrossTheHop } from '../support/hop-tests';
import { startServicePair, type ServicePair } from '../support/microservice-pair';
import { startTestIngest } from '../support/start-ingest';

describe('a microservice hop over RabbitMQ', () => {
  let ingest: IngestServer;
  let broker: RunningBroker;
  let pair: ServicePair;

  before(async () => {
    ingest = await startTestIngest();
    broker = await startRabbitMq();
    pair = await startServicePair(ingest, Transport.RMQ, { urls: [broker.url], queue: 'teracron_hop', queueOptions: { durable: false } });
  });

  after(async () => {
    await pair?.close();
    await broker?.stop();
    await ingest?.close();
  });

  itCarriesTheTraceAcrossTheHop(() => ({ ingest, pair }));
});

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
import { callAcrossTheHop, PAYLOAD, ServiceBController, startServicePair, type HopTrace, type ServicePair } from '../support/microservice-pair';
import { startTestIngest } from '../support/start-ingest';

function assertOneTrace({ request, client, handler, child }: HopTrace): void {
  assert.equal(client.parent_span_id, request.span_id);
  assert.equal(handler.parent_span_id, client.span_id);
  assert.equal(child.parent_span_id, handler.span_id);
}

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

  it('send(): one trace from A request to B @Trace child, the payload unchanged', async () => {
    const { body, trace } = await callAcrossTheHop(ingest, pair, 'send');
    assert.deepEqual(body, { price: PAYLOAD.qty * 10, echo: PAYLOAD });
    assert.deepEqual(ServiceBController.received.at(-1), PAYLOAD);
    assertOneTrace(trace);
  });

  it('emit(): one trace from A request to B @Trace child, the payload unchanged', async () => {
    const { trace } = await callAcrossTheHop(ingest, pair, 'emit');
    assert.deepEqual(ServiceBController.events.at(-1), PAYLOAD);
    assertOneTrace(trace);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaContext, NatsContext, RmqContext, TcpContext } from '@nestjs/microservices';
import { rpcTraceHeaderOf } from '../../../lib/nest/rpc-trace-header';

const HEADER = '4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7a3ce929d0e0e4736';

describe('inbound trace header on microservice messages', () => {
  it('reads NATS headers', () => {
    const headers = new Map([['X-Teracron-Trace', HEADER]]);
    assert.equal(rpcTraceHeaderOf(new NatsContext(['orders.created', headers])), HEADER);
  });

  it('reads RabbitMQ message property headers', () => {
    const message = { properties: { headers: { 'x-teracron-trace': HEADER } } };
    assert.equal(rpcTraceHeaderOf(new RmqContext([message, undefined, 'orders'])), HEADER);
  });

  it('reads Kafka headers, whose values are Buffers', () => {
    const message = { headers: { 'x-teracron-trace': Buffer.from(HEADER) } };
    assert.equal(rpcTraceHeaderOf(new KafkaContext([message as never, 0, 'orders', undefined as never, undefined as never, undefined as never])), HEADER);
  });

  it('finds none on TCP, on a context without headers, or on one that throws', () => {
    assert.equal(rpcTraceHeaderOf(new TcpContext([undefined as never, 'sum'])), undefined);
    assert.equal(rpcTraceHeaderOf(new NatsContext(['orders.created', undefined])), undefined);
    assert.equal(rpcTraceHeaderOf({ getHeaders: () => { throw new Error('broken'); } }), undefined);
    assert.equal(rpcTraceHeaderOf(undefined), undefined);
  });
});

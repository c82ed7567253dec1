import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClientKafka, ClientTCP, ClientNats } from '@nestjs/microservices';
import { ensureDispatchHook, ensureKafkaHeaders, grpcMetadataWithTrace, MESSAGE_TRACE_HEADER } from '../../../lib/nest/microservices/outbound-carriers';
import { runInTraceContext } from '../../../lib/tracing/context';
import { continueTrace } from '../../../lib/tracing/trace-start';
import { Metadata } from '@grpc/grpc-js';
import { RecordingSink } from '../../support/recording-sink';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = 'a'.repeat(32);

type Packet = { pattern: string; data: unknown; metadata?: Record<string, string> };
const createPacket = (client: object, data: unknown): Packet => (client as { createPacket(p: string, d: unknown): Packet }).createPacket('p', data);

describe('the trace carried by a TCP client (Nest 12 dispatch hook)', () => {
  it("adds the trace to the packet's metadata inside a trace, after the user's own hook, and leaves data alone", () => {
    const client = new ClientTCP({});
    const seen: string[] = [];
    client.setOnDispatchHook((packet) => {
      seen.push('user');
      packet.metadata = { tenant: 't1' };
    });
    ensureDispatchHook(client);
    ensureDispatchHook(client);
    const data = { a: 1 };
    const context = continueTrace(new RecordingSink(), TRACE, PARENT);
    const packet = runInTraceContext(context, () => createPacket(client, data));
    assert.deepEqual(seen, ['user'], 'the user hook runs once, ours is not installed twice');
    assert.deepEqual(packet.metadata, { tenant: 't1', [MESSAGE_TRACE_HEADER]: `${TRACE}:${PARENT}` });
    assert.equal(packet.data, data);
    assert.deepEqual(data, { a: 1 });
    assert.deepEqual(createPacket(client, data).metadata, { tenant: 't1' }, 'outside a trace: nothing added');
  });

  it('does nothing on a client without the hook (Nest 11) or on a broker client, and never throws', () => {
    const nest11Like = { send() {}, emit() {} };
    assert.doesNotThrow(() => ensureDispatchHook(nest11Like));
    const nats = new ClientNats({});
    ensureDispatchHook(nats);
    assert.equal((nats as unknown as { onDispatchHook?: unknown }).onDispatchHook, undefined, 'NATS carries it in headers, not in the body');
  });
});

describe('the trace carried in gRPC metadata', () => {
  it("goes in a copy of the caller's metadata, or a new one; none outside a trace", () => {
    const callers = new Metadata();
    callers.set('x-caller', 'a');
    const context = continueTrace(new RecordingSink(), TRACE, PARENT);
    const sent = runInTraceContext(context, () => grpcMetadataWithTrace(callers)) as Metadata;
    assert.notEqual(sent, callers);
    assert.deepEqual(sent.getMap(), { 'x-caller': 'a', [MESSAGE_TRACE_HEADER]: `${TRACE}:${PARENT}` });
    assert.deepEqual(callers.getMap(), { 'x-caller': 'a' });
    const fresh = runInTraceContext(context, () => grpcMetadataWithTrace(undefined)) as Metadata;
    assert.deepEqual(fresh.getMap(), { [MESSAGE_TRACE_HEADER]: `${TRACE}:${PARENT}` });
    assert.equal(grpcMetadataWithTrace(callers), callers);
  });
});

describe('the trace carried in Kafka record headers', () => {
  type Serialize = (value: unknown, options?: unknown) => unknown;
  const serializerOf = (client: object) => (client as unknown as { serializer: { serialize: Serialize } }).serializer;
  const kafkaClient = () => new ClientKafka({ client: { brokers: ['127.0.0.1:1'] } });
  const context = () => continueTrace(new RecordingSink(), TRACE, PARENT);

  it("goes in a copy of the headers Nest's serializer made, never in the caller's message; none outside a trace", () => {
    const client = kafkaClient();
    ensureKafkaHeaders(client);
    ensureKafkaHeaders(client);
    const callersHeaders = { tenant: 't1' };
    const message = { key: 'k', value: { a: 1 }, headers: callersHeaders };
    const sent = runInTraceContext(context(), () => serializerOf(client).serialize(message, { pattern: 'p' })) as { headers: Record<string, string>; value: unknown };
    assert.deepEqual(sent.headers, { tenant: 't1', [MESSAGE_TRACE_HEADER]: `${TRACE}:${PARENT}` });
    assert.equal(sent.value, '{"a":1}', "Nest's own serializer still encodes the value");
    assert.deepEqual(callersHeaders, { tenant: 't1' }, "the caller's headers object is not changed");
    const plain = serializerOf(client).serialize({ a: 1 }, { pattern: 'p' }) as { headers: Record<string, string> };
    assert.deepEqual(plain.headers, {}, 'outside a trace: nothing added');
  });

  it("keeps a trace header the caller set, waits for an async serializer, keeps the serializer's other members", async () => {
    const client = kafkaClient();
    const custom = { prefix: 'v:', async serialize(this: { prefix: string }, value: unknown) { return { value: `${this.prefix}${String(value)}`, headers: {} }; } };
    (client as unknown as { serializer: unknown }).serializer = custom;
    ensureKafkaHeaders(client);
    const wrapped = serializerOf(client) as unknown as typeof custom;
    assert.equal(wrapped.prefix, 'v:');
    const sent = (await runInTraceContext(context(), () => wrapped.serialize('x'))) as { value: string; headers: Record<string, string> };
    assert.deepEqual(sent, { value: 'v:x', headers: { [MESSAGE_TRACE_HEADER]: `${TRACE}:${PARENT}` } });
    const own = { value: 'y', headers: { [MESSAGE_TRACE_HEADER]: 'the-callers' } };
    const kept = runInTraceContext(context(), () => serializerOf(kafkaClientWithIdentity(own)).serialize(own));
    assert.equal(kept, own);
  });

  it('leaves other clients alone and never throws', () => {
    const tcp = new ClientTCP({});
    const before = (tcp as unknown as { serializer: unknown }).serializer;
    ensureKafkaHeaders(tcp);
    assert.equal((tcp as unknown as { serializer: unknown }).serializer, before);
    assert.doesNotThrow(() => ensureKafkaHeaders({}));
  });
});

/** A Kafka client whose serializer hands back what it is given, wrapped by ours. */
function kafkaClientWithIdentity(message: unknown): object {
  const client = new ClientKafka({ client: { brokers: ['127.0.0.1:1'] } });
  (client as unknown as { serializer: unknown }).serializer = { serialize: () => message };
  ensureKafkaHeaders(client);
  return client;
}

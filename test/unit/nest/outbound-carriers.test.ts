import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClientTCP, ClientNats } from '@nestjs/microservices';
import { ensureDispatchHook, grpcMetadataWithTrace, MESSAGE_TRACE_HEADER } from '../../../lib/nest/microservices/outbound-carriers';
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

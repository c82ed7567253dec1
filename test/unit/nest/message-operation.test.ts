import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { EventPattern, MessagePattern, TcpContext } from '@nestjs/microservices';
import { SubscribeMessage } from '@nestjs/websockets';
import { patternName, rpcOperation, wsOperation } from '../../../lib/nest/message-operation';

class Handlers {
  @MessagePattern({ cmd: 'sum' })
  sum(): void {}

  @EventPattern(['order.created', 'order.updated'])
  orderChanged(): void {}

  @SubscribeMessage('ping')
  ping(): void {}

  plain(): void {}
}

function rpcContext(method: keyof Handlers, transportContext: unknown): ExecutionContextHost {
  const context = new ExecutionContextHost([{}, transportContext], Handlers, Handlers.prototype[method]);
  context.setType('rpc');
  return context;
}

describe('message operation names', () => {
  it('names a message by its single pattern, objects as JSON', () => {
    assert.equal(rpcOperation(rpcContext('sum', undefined)), '{"cmd":"sum"}');
  });

  it('names a message of a several-pattern handler by the pattern it arrived on', () => {
    assert.equal(rpcOperation(rpcContext('orderChanged', new TcpContext([undefined as never, 'order.updated']))), 'order.updated');
    assert.equal(rpcOperation(rpcContext('orderChanged', undefined)), 'order.created | order.updated');
  });

  it('names a gateway message by its event, and an undecorated handler by class and method', () => {
    const ws = new ExecutionContextHost([], Handlers, Handlers.prototype.ping);
    assert.equal(wsOperation(ws), 'ping');
    assert.equal(rpcOperation(rpcContext('plain', undefined)), 'Handlers.plain');
  });

  it('writes gRPC patterns as Service.Rpc and keeps names within 256 characters', () => {
    assert.equal(patternName({ service: 'Orders', rpc: 'Find', streaming: 'no_stream' }), 'Orders.Find');
    assert.equal(patternName('x'.repeat(300)).length, 256);
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    assert.equal(typeof patternName(circular), 'string');
  });
});

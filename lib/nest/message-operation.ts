/**
 * Names a microservice message or a gateway message by what the handler subscribed to: the
 * `@MessagePattern` / `@EventPattern` pattern, or the `@SubscribeMessage` event. Read from the
 * handler's metadata once and cached per handler; only a handler bound to several patterns asks
 * the transport's context per message which one arrived.
 */
import type { ExecutionContext } from '@nestjs/common';

/** Metadata keys written by @nestjs/microservices and @nestjs/websockets (read, never imported: both are optional). */
export const PATTERN_METADATA = 'microservices:pattern';
const MESSAGE_METADATA = 'message';

/** The server refuses an operation over 256 characters (PROTOCOL.md §6). */
const MAX_OPERATION_LENGTH = 256;

type Naming = string | ((context: ExecutionContext) => string);

const rpcNames = new WeakMap<object, Naming>();
const wsNames = new WeakMap<object, Naming>();

export function rpcOperation(context: ExecutionContext): string {
  const handler = context.getHandler();
  let naming = rpcNames.get(handler);
  if (naming === undefined) rpcNames.set(handler, (naming = rpcNaming(handler, context)));
  return typeof naming === 'string' ? naming : naming(context);
}

export function wsOperation(context: ExecutionContext): string {
  const handler = context.getHandler();
  let name = wsNames.get(handler);
  if (name === undefined) {
    const message: unknown = readMetadata(MESSAGE_METADATA, handler);
    wsNames.set(handler, (name = message === undefined ? handlerName(context) : patternName(message)));
  }
  return name as string;
}

/** `{ cmd: 'sum' }` → `{"cmd":"sum"}`; gRPC `{ service, rpc }` → `Service.Rpc`; strings as they are. */
export function patternName(pattern: unknown): string {
  let name: string;
  if (typeof pattern === 'string') name = pattern;
  else if (isGrpcPattern(pattern)) name = `${pattern.service}.${pattern.rpc}`;
  else name = safeStringify(pattern);
  if (name === '') name = '<empty pattern>';
  return name.length > MAX_OPERATION_LENGTH ? name.slice(0, MAX_OPERATION_LENGTH) : name;
}

function rpcNaming(handler: object, context: ExecutionContext): Naming {
  const patterns: unknown = readMetadata(PATTERN_METADATA, handler);
  if (!Array.isArray(patterns) || patterns.length === 0) return handlerName(context);
  if (patterns.length === 1) return patternName(patterns[0]);
  const fallback = patterns.map(patternName).join(' | ');
  return (perMessage) => {
    const arrived = arrivedPattern(perMessage.switchToRpc().getContext());
    return arrived === undefined ? fallback : patternName(arrived);
  };
}

/**
 * A message's name on arrival, before its handler is known (the span is renamed by the handler's
 * pattern once the interceptor or the handler's wrapper runs): the pattern, subject, topic or
 * channel its transport context reports, gRPC's `Service.Method` (as its handler's pattern names
 * it, so a call no handler adopts, refused by a guard, has the same name), else `message`.
 */
export function arrivedOperation(transportContext: unknown): string {
  const arrived = arrivedPattern(transportContext);
  if (arrived !== undefined && arrived !== null && arrived !== '') return patternName(arrived);
  const grpc = grpcCallOf(transportContext);
  if (grpc !== undefined) return patternName(grpc.pattern);
  const operationId = (transportContext as { operationId?: unknown } | null)?.operationId;
  return typeof operationId === 'string' && operationId !== '' ? patternName(operationId) : 'message';
}

const GRPC_PATH = /^\/([^/]+)\/([^/]+)$/;

/**
 * A gRPC call's transport context as Nest 12 hands it to its processing hooks: a copy of the call
 * (`path` is `/package.Service/Method`) with Nest's `operationId`. Its pattern as the handler's
 * `@GrpcMethod` names it, and the call's metadata (what gRPC's exceptions handler holds instead).
 */
export function grpcCallOf(transportContext: unknown): { pattern: { service: string; rpc: string }; metadata: unknown } | undefined {
  if (transportContext === null || typeof transportContext !== 'object') return undefined;
  const { operationId, path, metadata } = transportContext as { operationId?: unknown; path?: unknown; metadata?: unknown };
  if (typeof operationId !== 'string' || typeof path !== 'string') return undefined;
  const parts = GRPC_PATH.exec(path);
  return parts === null ? undefined : { pattern: { service: parts[1]!.split('.').pop()!, rpc: parts[2]! }, metadata };
}

/** The pattern a transport context reports for this message (TCP, RMQ, NATS subject, Kafka/MQTT topic, Redis channel). */
function arrivedPattern(transportContext: unknown): unknown {
  if (transportContext === null || typeof transportContext !== 'object') return undefined;
  for (const getter of ['getPattern', 'getSubject', 'getTopic', 'getChannel'] as const) {
    const read = (transportContext as Record<string, unknown>)[getter];
    if (typeof read === 'function') {
      try {
        return read.call(transportContext);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function handlerName(context: ExecutionContext): string {
  return `${context.getClass().name}.${context.getHandler().name}`;
}

function readMetadata(key: string, target: object): unknown {
  return typeof Reflect.getMetadata === 'function' ? Reflect.getMetadata(key, target) : undefined;
}

function isGrpcPattern(pattern: unknown): pattern is { service: string; rpc: string } {
  if (pattern === null || typeof pattern !== 'object') return false;
  const { service, rpc } = pattern as { service?: unknown; rpc?: unknown };
  return typeof service === 'string' && typeof rpc === 'string';
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '<unprintable pattern>';
  }
}

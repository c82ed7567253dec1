/**
 * How a ClientProxy call carries X-Teracron-Trace to the handler, per transport, without touching
 * the user's `data`. Each reads the trace at the moment the transport builds its message, which
 * runs in the client span's context (microservice-client-spans):
 *
 * - TCP, Redis: the packet's `metadata` (Nest 12's `setOnDispatchHook`; the server hands it to
 *   `TcpContext#getMetadata()` / `RedisContext#getMetadata()`). A user's own hook still runs first.
 * - NATS, RabbitMQ: message headers (the clients' `mergeHeaders`; a new NATS header set comes from
 *   the NATS library of the Nest installed: Nest 12's @nats-io/transport-node, Nest 11's `nats`).
 * - MQTT: v5 user properties (`mergePacketOptions`); MQTT 3.1.1 has no headers, so nothing is sent.
 * - gRPC: call metadata (a copy of the caller's, or a new one), by the service methods of
 *   `ClientGrpcProxy` (microservice-client-spans).
 * - Kafka: record headers, in a copy of what the client's serializer made (ClientKafka's
 *   `serializer`, wrapped per client on its first traced call, as the dispatch hook is).
 *
 * A release without one of these hooks carries nothing on that transport and says nothing.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { getTraceHeader } from '../../tracing/propagation';
import { wrapMethod, type Prototype } from '../prototype-hooks';
import { nestMicroservices } from './nest-microservices';

/** Lower case: NATS, RabbitMQ and MQTT keep header names as given, and the readers try both spellings. */
export const MESSAGE_TRACE_HEADER = 'x-teracron-trace';

type DispatchHook = (packet: { metadata?: Record<string, string> }) => void;
interface HookedClient {
  onDispatchHook?: DispatchHook;
  setOnDispatchHook?(hook: DispatchHook): void;
}

const ourHooks = new WeakSet<DispatchHook>();

function addPacketMetadata(packet: { metadata?: Record<string, string> }): void {
  const header = getTraceHeader();
  if (header !== undefined && packet.metadata?.[MESSAGE_TRACE_HEADER] === undefined) packet.metadata = { ...packet.metadata, [MESSAGE_TRACE_HEADER]: header };
}

/** TCP and Redis clients with Nest's dispatch hook get ours, after any hook the user set (set again if the user replaced it). */
export function ensureDispatchHook(client: object): void {
  const classes = nestMicroservices();
  const hooked = client as HookedClient;
  if (typeof hooked.setOnDispatchHook !== 'function') return;
  if (!isInstance(client, classes?.ClientTCP) && !isInstance(client, classes?.ClientRedis)) return;
  const current = hooked.onDispatchHook;
  if (current !== undefined && ourHooks.has(current)) return;
  const hook: DispatchHook =
    current === undefined
      ? addPacketMetadata
      : (packet) => {
          current.call(client, packet);
          addPacketMetadata(packet);
        };
  ourHooks.add(hook);
  hooked.setOnDispatchHook(hook);
}

interface Serializer {
  serialize(value: unknown, options?: unknown): unknown;
}

const ourSerializers = new WeakSet<object>();

/**
 * Kafka clients get a serializer that runs theirs, then puts the trace into a copy of the
 * message's headers: the object it made may be the one the caller passed ({ key, value, headers }).
 * Its other members are the original's (it is the wrapper's prototype).
 */
export function ensureKafkaHeaders(client: object): void {
  if (!isInstance(client, nestMicroservices()?.ClientKafka)) return;
  const holder = client as { serializer?: Serializer };
  const current = holder.serializer;
  if (current === null || typeof current !== 'object' || typeof current.serialize !== 'function' || ourSerializers.has(current)) return;
  const wrapped = Object.create(current) as Serializer;
  wrapped.serialize = function serialize(value: unknown, options?: unknown): unknown {
    const header = getTraceHeader();
    const message = current.serialize(value, options);
    if (header === undefined) return message;
    return isPromiseLike(message) ? message.then((resolved) => withKafkaHeader(resolved, header)) : withKafkaHeader(message, header);
  };
  ourSerializers.add(wrapped);
  holder.serializer = wrapped;
}

function withKafkaHeader(message: unknown, header: string): unknown {
  if (message === null || typeof message !== 'object') return message;
  const headers = (message as { headers?: unknown }).headers;
  if (headers !== undefined && (headers === null || typeof headers !== 'object')) return message;
  const given = headers as Record<string, unknown> | undefined;
  if (given?.[MESSAGE_TRACE_HEADER] !== undefined || given?.['X-Teracron-Trace'] !== undefined) return message;
  return { ...message, headers: { ...given, [MESSAGE_TRACE_HEADER]: header } };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

function isInstance(value: object, type: { prototype: Prototype } | undefined): boolean {
  return type !== undefined && value instanceof (type as unknown as Function);
}

/** Wraps the header-building methods of the broker clients; returns the undo. */
export function wrapHeaderCarriers(): () => void {
  const classes = nestMicroservices();
  const undo: Array<(() => void) | undefined> = [
    wrapMethod(classes?.ClientNats?.prototype, 'mergeHeaders', (original) =>
      function mergeHeaders(this: unknown, ...args: unknown[]): unknown {
        const headers = Reflect.apply(original, this, args) as NatsHeaders | undefined;
        return withNatsHeader(headers);
      },
    ),
    wrapMethod(classes?.ClientRMQ?.prototype, 'mergeHeaders', (original) =>
      function mergeHeaders(this: unknown, ...args: unknown[]): unknown {
        const headers = Reflect.apply(original, this, args) as Record<string, unknown> | undefined;
        const header = getTraceHeader();
        if (header === undefined || headers?.[MESSAGE_TRACE_HEADER] !== undefined) return headers;
        return { ...headers, [MESSAGE_TRACE_HEADER]: header };
      },
    ),
    wrapMethod(classes?.ClientMqtt?.prototype, 'mergePacketOptions', (original) =>
      function mergePacketOptions(this: { options?: { protocolVersion?: number } }, ...args: unknown[]): unknown {
        const options = Reflect.apply(original, this, args) as MqttPublishOptions | undefined;
        const header = getTraceHeader();
        if (header === undefined || this.options?.protocolVersion !== 5) return options;
        const properties = options?.properties;
        if (properties?.userProperties?.[MESSAGE_TRACE_HEADER] !== undefined) return options;
        return { ...options, properties: { ...properties, userProperties: { ...properties?.userProperties, [MESSAGE_TRACE_HEADER]: header } } };
      },
    ),
  ];
  return () => {
    for (const restore of undo) restore?.();
  };
}

interface NatsHeaders {
  has(name: string): boolean;
  set(name: string, value: string): void;
}
interface MqttPublishOptions {
  properties?: { userProperties?: Record<string, unknown> };
}

/** NATS headers are the client library's own object; without any, a fresh one from the library Nest loaded. */
function withNatsHeader(headers: NatsHeaders | undefined): NatsHeaders | undefined {
  const header = getTraceHeader();
  if (header === undefined) return headers;
  try {
    const target = headers ?? natsHeaders();
    if (target === undefined || target.has(MESSAGE_TRACE_HEADER)) return headers;
    target.set(MESSAGE_TRACE_HEADER, header);
    return target;
  } catch {
    return headers;
  }
}

let natsHeadersFactory: (() => NatsHeaders) | null | undefined;

function natsHeaders(): NatsHeaders | undefined {
  if (natsHeadersFactory === undefined) {
    natsHeadersFactory = null;
    // Resolved from @nestjs/microservices, as Nest itself loads it: the library of its own major.
    for (const name of natsLibraries()) {
      try {
        natsHeadersFactory = (fromNestMicroservices(name) as { headers: () => NatsHeaders }).headers;
        break;
      } catch {
        // not installed: the next one
      }
    }
  }
  return natsHeadersFactory?.() ?? undefined;
}

/** Nest 12's NATS client is @nats-io/transport-node, Nest 11's `nats` 2; when the major cannot be read, either (Nest 12's first). */
function natsLibraries(): string[] {
  const major = nestMicroservicesMajor();
  if (major === undefined) return ['@nats-io/transport-node', 'nats'];
  return major >= 12 ? ['@nats-io/transport-node'] : ['nats'];
}

function fromNestMicroservices(name: string): unknown {
  return createRequire(require.resolve('@nestjs/microservices'))(name);
}

/** The installed @nestjs/microservices' major, from its package.json (read as a file: Nest 12's exports map does not list it). */
function nestMicroservicesMajor(): number | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(path.dirname(require.resolve('@nestjs/microservices')), 'package.json'), 'utf8')) as { version?: unknown };
    const major = typeof manifest.version === 'string' ? Number.parseInt(manifest.version, 10) : Number.NaN;
    return Number.isInteger(major) ? major : undefined;
  } catch {
    return undefined;
  }
}

interface GrpcMetadata {
  clone(): GrpcMetadata;
  get(key: string): unknown[];
  set(key: string, value: string): void;
}

let grpcMetadataType: (new () => GrpcMetadata) | null | undefined;

/**
 * The metadata a gRPC call goes out with: a copy of the caller's (never changed) or a new one,
 * with the trace added; the caller's own when there is no trace or no @grpc/grpc-js to make one.
 */
export function grpcMetadataWithTrace(callerMetadata: unknown): unknown {
  const header = getTraceHeader();
  if (header === undefined) return callerMetadata;
  try {
    if (callerMetadata !== undefined && callerMetadata !== null) {
      const given = callerMetadata as GrpcMetadata;
      if (typeof given.clone !== 'function' || given.get(MESSAGE_TRACE_HEADER).length > 0) return callerMetadata;
      const copy = given.clone();
      copy.set(MESSAGE_TRACE_HEADER, header);
      return copy;
    }
    if (grpcMetadataType === undefined) {
      try {
        grpcMetadataType = (fromNestMicroservices('@grpc/grpc-js') as { Metadata: new () => GrpcMetadata }).Metadata;
      } catch {
        grpcMetadataType = null;
      }
    }
    if (grpcMetadataType === null) return callerMetadata;
    const metadata = new grpcMetadataType();
    metadata.set(MESSAGE_TRACE_HEADER, header);
    return metadata;
  } catch {
    return callerMetadata;
  }
}

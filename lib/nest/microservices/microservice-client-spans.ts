/**
 * Microservice clients inside a trace: every `ClientProxy.send()` / `.emit()` (any transport) is
 * a client span, workflow `rpc`, the pattern as operation, and the trace goes with the message
 * (outbound-carriers) so the handler continues it under that span.
 *
 * - `send()`: the span opens when the Observable is subscribed (it is cold: nothing is sent
 *   before) and ends with the reply, the error, or the subscriber leaving first (`rpc.cancelled`).
 * - `emit()` (and `ClientKafka.emitBatch()`, one span for the batch): Nest dispatches at once;
 *   the span ends when the event is handed to the transport.
 * - gRPC: the service methods of `ClientGrpcProxy.getService()` are spans like `send()`
 *   (`Service.Method`), the trace in a copy of the call's metadata.
 *
 * `ClientProxy.prototype` is wrapped, not user code, so clients made by ClientsModule,
 * ClientProxyFactory or `new` are all covered. Process-wide, reference-counted like outbound
 * HTTP propagation; each app says whether its own traces get client spans. A call outside any
 * trace runs as it is. Never throws into the caller.
 */
import { Observable } from 'rxjs';
import type { TraceSink } from '../../core/trace-sink';
import { currentTraceContext, runInTraceContext } from '../../tracing/context';
import type { SpanHandle } from '../../tracing/span';
import { startSpan } from '../../tracing/tracer';
import { patternName } from '../message-operation';
import { RPC_WORKFLOW } from '../teracron.constants';
import { ensureDispatchHook, ensureKafkaHeaders, grpcMetadataWithTrace, wrapHeaderCarriers } from './outbound-carriers';
import { wrapMethod } from '../prototype-hooks';
import { nestMicroservices } from './nest-microservices';

export interface MicroserviceClientSettings {
  /** The app's client: its traces get client spans when `spans` is true. */
  sink: TraceSink;
  spans: boolean;
}

const active = new Map<TraceSink, number>();
const spansOff = new Map<TraceSink, number>();
let uninstall: (() => void) | undefined;

/** Turns microservice client tracing on for one app; returns the undo (safe to call twice). */
export function traceMicroserviceClients(settings: MicroserviceClientSettings): () => void {
  if (uninstall === undefined) {
    const installed = install();
    if (installed === undefined) return () => {};
    uninstall = installed;
  }
  count(active, settings.sink, 1);
  if (!settings.spans) count(spansOff, settings.sink, 1);
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    count(active, settings.sink, -1);
    if (!settings.spans) count(spansOff, settings.sink, -1);
    if (active.size === 0) {
      uninstall?.();
      uninstall = undefined;
    }
  };
}

function count(map: Map<TraceSink, number>, sink: TraceSink, by: number): void {
  const next = (map.get(sink) ?? 0) + by;
  if (next > 0) map.set(sink, next);
  else map.delete(sink);
}

function install(): (() => void) | undefined {
  const prototype = nestMicroservices()?.ClientProxy?.prototype;
  if (prototype === undefined) return undefined;
  const undo = [
    wrapMethod(prototype, 'send', (original) =>
      function send(this: object, pattern: unknown, data: unknown): unknown {
        const source = Reflect.apply(original, this, [pattern, data]) as Observable<unknown>;
        return source instanceof Observable ? tracedSend(this, source, pattern) : source;
      },
    ),
    wrapMethod(prototype, 'emit', tracedEmit),
    // Kafka's batch: one client span for the batch; each record carries the trace (its serializer).
    wrapMethod(nestMicroservices()?.ClientKafka?.prototype, 'emitBatch', tracedEmit),
    wrapMethod(nestMicroservices()?.ClientGrpcProxy?.prototype, 'createServiceMethod', (original) =>
      function createServiceMethod(this: object, grpcClient: unknown, methodName: string): unknown {
        const method = Reflect.apply(original, this, [grpcClient, methodName]) as unknown;
        return typeof method === 'function' ? tracedGrpcMethod(this, method as GrpcServiceMethod, grpcOperation(grpcClient, methodName)) : method;
      },
    ),
    wrapHeaderCarriers(),
  ];
  return () => {
    for (const restore of undo) restore?.();
  };
}

/** `emit()` (and Kafka's `emitBatch()`): dispatched at once, its span ends when the event is handed to the transport. */
function tracedEmit(original: Function): Function {
  return function emit(this: object, pattern: unknown, data: unknown): unknown {
    const span = clientSpan(this, pattern, 'emit');
    if (span === undefined) return Reflect.apply(original, this, [pattern, data]);
    let result: unknown;
    try {
      result = runInTraceContext(span, () => Reflect.apply(original, this, [pattern, data]));
    } catch (error) {
      span.fail(error);
      throw error;
    }
    if (result instanceof Observable) result.subscribe({ error: (error: unknown) => span.fail(error), complete: () => span.end() });
    else span.end();
    return result;
  };
}

/** The client span of a call made now, or undefined (outside a trace, not sampled, spans off): then the call runs in the caller's context as it is. */
function clientSpan(client: object, pattern: unknown, kind: 'send' | 'emit' | 'grpc'): SpanHandle | undefined {
  try {
    const context = currentTraceContext();
    if (context === undefined || context.traceId === '' || !active.has(context.sink)) return undefined;
    ensureDispatchHook(client);
    ensureKafkaHeaders(client);
    if (!context.sampled || spansOff.has(context.sink)) return undefined;
    const span = startSpan(RPC_WORKFLOW, { operation: patternName(pattern), metadata: { 'rpc.kind': kind, 'rpc.transport': transportOf(client) } });
    return span.sampled ? span : undefined;
  } catch {
    return undefined;
  }
}

type GrpcServiceMethod = (...args: unknown[]) => unknown;

/** `Service.Method`, as the handler's span names it (the service's short name, the method as the proto spells it). */
function grpcOperation(grpcClient: unknown, methodName: string): string {
  const service = (grpcClient as { constructor?: { serviceName?: unknown } } | null)?.constructor?.serviceName;
  const short = typeof service === 'string' ? service.slice(service.lastIndexOf('.') + 1) : '';
  const method = methodName.charAt(0).toUpperCase() + methodName.slice(1);
  return short === '' ? method : `${short}.${method}`;
}

/** A gRPC service method: the call is made on subscription, in its client span, with the trace added to a copy of its metadata. */
function tracedGrpcMethod(proxy: object, method: GrpcServiceMethod, operation: string): GrpcServiceMethod {
  return function grpcMethod(this: unknown, ...args: unknown[]): unknown {
    if (currentTraceContext() === undefined) return Reflect.apply(method, this, args);
    const call = () => {
      const withTrace = args.slice();
      withTrace[1] = grpcMetadataWithTrace(args[1]);
      return Reflect.apply(method, this, withTrace) as Observable<unknown>;
    };
    return tracedSend(proxy, call, operation, 'grpc');
  };
}

function tracedSend(client: object, source: Observable<unknown> | (() => Observable<unknown>), pattern: unknown, kind: 'send' | 'grpc' = 'send'): Observable<unknown> {
  return new Observable<unknown>((subscriber) => {
    const span = clientSpan(client, pattern, kind);
    if (span === undefined) return (typeof source === 'function' ? source() : source).subscribe(subscriber);
    const subscription = runInTraceContext(span, () =>
      (typeof source === 'function' ? source() : source).subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => {
          span.fail(error);
          subscriber.error(error);
        },
        complete: () => {
          span.end();
          subscriber.complete();
        },
      }),
    );
    return () => {
      subscription.unsubscribe();
      if (!span.ended) {
        span.setMetadata({ 'rpc.cancelled': true });
        span.end();
      }
    };
  });
}

/** `ClientTCP` → `tcp`, `ClientRMQ` → `rmq`; a user's subclass shows its own name. */
function transportOf(client: object): string {
  const name = client.constructor?.name ?? '';
  return name.replace(/^Client/, '').replace(/Proxy$/, '').toLowerCase() || 'custom';
}

/**
 * The server side of a traced message: Nest 12 runs every message and event between its processing
 * hooks (`Server#runWithProcessingHooks(context, fn)`, where `fn` gets the runner of the end hook),
 * and we open the message's span there (message-spans), continuing the trace the message carries
 * (rpc-trace-header), and run Nest's whole pipeline in it: the app's global interceptors, guards,
 * pipes and the handler. The span ends with the handler's outcome when the interceptor or the
 * handler's wrapper adopts it; else it fails with the error Nest's RpcExceptionsHandler is given
 * for the message (a guard refused, a pipe threw), or ends with Nest's end hook.
 * A release without the method leaves the span to the interceptor, as a root.
 */
import { newestRunningClient } from '../../core/client-registry';
import { runInTraceContext } from '../../tracing/context';
import { NOOP_SPAN, type SpanHandle } from '../../tracing/span';
import { arrivalEnded, arrivalFailed, openArrivalSpan } from '../message-spans';
import { arrivedOperation, grpcCallOf } from '../message-operation';
import { rpcTraceHeaderOf } from '../rpc-trace-header';
import { sharedHook, wrapMethod, type Prototype } from '../prototype-hooks';
import { nestMicroservices } from './nest-microservices';

/** Arrival spans by the transport context Nest made for the message (its exceptions handler's host holds the same object). */
const arrivalsByContext = new WeakMap<object, SpanHandle>();
type EndHookRunner = () => void;
type Processing = (runEndHook: EndHookRunner) => Promise<unknown>;

/** Turns arrival spans on for one app; returns its release. */
export const continueArrivingMessages: () => () => void = sharedHook(() => {
  const undoHooks = wrapMethod(nestMicroservices()?.Server?.prototype, 'runWithProcessingHooks', (original) =>
    function runWithProcessingHooks(this: unknown, ...args: unknown[]): unknown {
      const arrival = openArrival(args[0]);
      if (arrival === undefined) return Reflect.apply(original, this, args);
      args[1] = processedInSpan(args[1] as Processing, arrival);
      return runInTraceContext(arrival, () => Reflect.apply(original, this, args));
    },
  );
  const undoErrors = wrapMethod(rpcExceptionsHandlerPrototype(), 'handle', (original) =>
    function handle(this: unknown, ...args: unknown[]): unknown {
      noteFailure(args[0], args[1]);
      return Reflect.apply(original, this, args);
    },
  );
  return () => {
    undoHooks?.();
    undoErrors?.();
  };
});

function openArrival(transportContext: unknown): SpanHandle | undefined {
  try {
    const sink = newestRunningClient();
    if (sink === undefined || !sink.running || !sink.tracing.enabled) return undefined;
    const arrival = openArrivalSpan(sink, arrivedOperation(transportContext), rpcTraceHeaderOf(transportContext));
    if (arrival === NOOP_SPAN) return undefined;
    if (transportContext !== null && typeof transportContext === 'object') {
      arrivalsByContext.set(transportContext, arrival);
      // gRPC's context is a copy of the call; its exceptions handler's host holds the call's metadata instead.
      const metadata = grpcCallOf(transportContext)?.metadata;
      if (metadata !== null && typeof metadata === 'object') arrivalsByContext.set(metadata, arrival);
    }
    return arrival;
  } catch {
    return undefined;
  }
}

/** Nest's `fn`, with the end hook's runner ending the span first; a rejection fails it (and goes on to Nest as it was). */
function processedInSpan(processing: Processing, arrival: SpanHandle): Processing {
  if (typeof processing !== 'function') return processing;
  return async (runEndHook) => {
    try {
      return await processing(() => {
        arrivalEnded(arrival);
        runEndHook();
      });
    } catch (error) {
      arrivalFailed(arrival, error);
      throw error;
    }
  };
}

/** RpcExceptionsHandler#handle(exception, host): the host's second argument is the message's transport context (gRPC: the call's metadata). */
function noteFailure(exception: unknown, host: unknown): void {
  try {
    const transportContext = (host as { getArgByIndex?(index: number): unknown } | null)?.getArgByIndex?.(1);
    const arrival = transportContext !== null && typeof transportContext === 'object' ? arrivalsByContext.get(transportContext) : undefined;
    if (arrival !== undefined) arrivalFailed(arrival, exception);
  } catch {
    // Nest's filters run whatever happens here.
  }
}

function rpcExceptionsHandlerPrototype(): Prototype | undefined {
  if (nestMicroservices() === null) return undefined;
  try {
    // The same file in Nest 11 and 12 (not exported from the package's index).
    return (require('@nestjs/microservices/exceptions/rpc-exceptions-handler.js') as { RpcExceptionsHandler?: { prototype: Prototype } }).RpcExceptionsHandler?.prototype;
  } catch {
    return undefined;
  }
}

/**
 * The server side of a traced message, for handlers our interceptor never sees (a hybrid app's
 * microservice connected without `inheritAppConfig`, as Nest's samples do it): Nest 12 runs every
 * message and event between its processing hooks (`Server#runWithProcessingHooks`), and we run
 * that in the trace the message carries (rpc-trace-header), so the handler's start-up wrapper
 * (message-spans) continues it. A release without the method leaves those handlers' spans as roots.
 */
import { newestRunningClient } from '../../core/client-registry';
import type { TraceContext } from '../../tracing/context';
import { runInTraceContext } from '../../tracing/context';
import { parseTraceHeader } from '../../tracing/trace-header';
import { continueTrace } from '../../tracing/trace-start';
import { rpcTraceHeaderOf } from '../rpc-trace-header';
import { nestMicroservices, wrapMethod } from './nest-microservices';

/** Contexts made here for an arriving message, with the header they came from: a wrapped handler reads them. */
const arrivals = new WeakMap<TraceContext, string>();
let installs = 0;
let restore: (() => void) | undefined;

export function continueArrivingMessages(): () => void {
  installs++;
  restore ??= wrapMethod(nestMicroservices()?.Server?.prototype, 'runWithProcessingHooks', (original) =>
    function runWithProcessingHooks(this: unknown, ...args: unknown[]): unknown {
      const context = arrivalContext(args[0]);
      return context === undefined ? Reflect.apply(original, this, args) : runInTraceContext(context, () => Reflect.apply(original, this, args));
    },
  );
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    if (--installs === 0) {
      restore?.();
      restore = undefined;
    }
  };
}

/** The X-Teracron-Trace a context made for an arriving message came with, if it is one. */
export function arrivalHeaderOf(context: TraceContext | undefined): string | undefined {
  return context === undefined ? undefined : arrivals.get(context);
}

function arrivalContext(transportContext: unknown): TraceContext | undefined {
  try {
    const header = rpcTraceHeaderOf(transportContext);
    const parsed = header === undefined ? null : parseTraceHeader(header);
    if (parsed === null) return undefined;
    const sink = newestRunningClient();
    if (sink === undefined || !sink.running || !sink.tracing.enabled) return undefined;
    const context = continueTrace(sink, parsed.traceId, parsed.parentSpanId);
    arrivals.set(context, header!);
    return context;
  } catch {
    return undefined;
  }
}

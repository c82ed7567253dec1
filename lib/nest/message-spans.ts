/**
 * Message spans, in one place: one root span per microservice message (`rpc`) or gateway message
 * (`ws`), named by the pattern or event, continuing the trace the message carried (its client span
 * is the parent). Where it opens:
 * - on arrival (Nest 12: `Server#runWithProcessingHooks`, message-arrivals), before Nest's pipeline,
 *   so the app's own global interceptors, guards and pipes run inside it. The interceptor or the
 *   handler's start-up wrapper then adopts it: names it by the handler's pattern and ends it with
 *   the handler's outcome. Not adopted (a guard refused, a pipe threw), it fails with the error
 *   Nest's RpcExceptionsHandler was given, or ends when Nest's processing ends.
 * - else in the interceptor, around the handler's whole Observable (ends when that completes, fails
 *   with its error, ends when the subscriber leaves early): Nest 11, gateways.
 * - else (a hybrid app connected without `inheritAppConfig`, where the interceptor never runs, on
 *   Nest 11) in the handler's start-up wrapper.
 * A message never gets two.
 */
import type { CallHandler } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { TraceSink } from '../core/trace-sink';
import { currentTraceContext } from '../tracing/context';
import { NOOP_SPAN, type SpanHandle } from '../tracing/span';
import { span, startSpan } from '../tracing/tracer';
import { endWithResult } from '../tracing/traced-result';
import { handleInSpan } from './handler-in-span';
import { RPC_WORKFLOW } from './teracron.constants';

/**
 * Spans opened here, by how far along they are: `true` once an interceptor or a handler's wrapper
 * owns the outcome, `false` for an arrival span nobody adopted yet. Written only here; a WeakMap,
 * so a span is forgotten with it.
 */
const ownedSpans = new WeakMap<SpanHandle, boolean>();

/** A span for an arriving message (Nest 12's processing hooks), to be adopted by its handler's interceptor or wrapper. */
export function openArrivalSpan(sink: TraceSink, operation: string, traceHeader: string | undefined): SpanHandle {
  const opened = startSpan(RPC_WORKFLOW, { operation, traceHeader, root: true, sink });
  // Unsampled and watched roots too: the handler must run in this trace, not decide a new one.
  if (opened !== NOOP_SPAN) ownedSpans.set(opened, false);
  return opened;
}

/** What the current span is to this module: an arrival span nobody adopted yet, one of its spans already owned, or neither. */
function currentMessageSpan(): { arrival: SpanHandle | undefined; owned: boolean } {
  const current = currentTraceContext()?.span ?? undefined;
  const state = current === undefined ? undefined : ownedSpans.get(current);
  return { arrival: state === false ? current : undefined, owned: state === true };
}

/** The interceptor's way: the span covers the handler's Observable. */
export function traceMessage(next: CallHandler, sink: TraceSink, workflow: string, operation: string, traceHeader: string | undefined): Observable<unknown> {
  const arrival = workflow === RPC_WORKFLOW ? currentMessageSpan().arrival : undefined;
  const owned = arrival !== undefined ? arrival.setOperation(operation) : startSpan(workflow, { operation, traceHeader, root: true, sink });
  ownedSpans.set(owned, true);
  return handleInSpan(owned, next, {
    error: (error) => owned.fail(error),
    complete: () => owned.end(),
    unsubscribe: () => owned.end(),
  });
}

/**
 * The start-up wrapper's way: a call of a message handler the interceptor did not see gets its
 * span (the arrival span, adopted; without one, a new root: the wrapper sees the handler's
 * parameters, not the message), ended with what the handler returned.
 */
export function runMessageHandler<T>(sink: TraceSink, operation: string, call: () => T): T {
  const { arrival, owned } = currentMessageSpan();
  if (owned) return call();
  if (arrival === undefined) return span(RPC_WORKFLOW, { operation, root: true, sink }, call);
  arrival.setOperation(operation);
  ownedSpans.set(arrival, true);
  // A trace not kept and not watched for failure has nothing to end.
  if (!arrival.sampled && !arrival.watched) return call();
  let result: T;
  try {
    result = call();
  } catch (error) {
    arrival.fail(error);
    throw error;
  }
  return endWithResult(arrival, result);
}

/** Nest's RpcExceptionsHandler got `error` for the message whose arrival span this is: a span nobody adopted fails with it. */
export function arrivalFailed(arrival: SpanHandle, error: unknown): void {
  if (ownedSpans.get(arrival) === false) arrival.fail(error);
}

/** Nest's processing of the message ended (its response stream settled): an arrival span still open ends now. */
export function arrivalEnded(arrival: SpanHandle): void {
  if (!arrival.ended) arrival.end();
}

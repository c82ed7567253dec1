/**
 * Message spans, in one place: one root span per microservice message (`rpc`) or gateway message
 * (`ws`), named by the pattern or event. The interceptor opens it around the handler's whole
 * Observable (it ends when that completes, fails with its error, ends when the subscriber leaves
 * early). In a hybrid app connected without `inheritAppConfig` the interceptor never runs, so the
 * handler's start-up wrapper opens it instead; a message never gets two. Either way it continues
 * the trace the message carried (its client span is the parent).
 */
import type { CallHandler } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { TraceSink } from '../core/trace-sink';
import { currentTraceContext } from '../tracing/context';
import type { SpanHandle } from '../tracing/span';
import { span, startSpan } from '../tracing/tracer';
import { handleInSpan } from './handler-in-span';
import { arrivalHeaderOf } from './microservices/message-arrivals';
import { RPC_WORKFLOW } from './teracron.constants';

/**
 * Spans opened by traceMessage, so a wrapped handler running inside one opens none. Written only
 * here; a WeakSet, so a span is forgotten with it.
 */
const interceptorSpans = new WeakSet<SpanHandle>();

/** The interceptor's way: the span covers the handler's Observable. */
export function traceMessage(next: CallHandler, sink: TraceSink, workflow: string, operation: string, traceHeader: string | undefined): Observable<unknown> {
  const opened = startSpan(workflow, { operation, traceHeader, root: true, sink });
  interceptorSpans.add(opened);
  return handleInSpan(opened, next, {
    error: (error) => opened.fail(error),
    complete: () => opened.end(),
    unsubscribe: () => opened.end(),
  });
}

/**
 * The start-up wrapper's way: a call of a message handler the interceptor did not see gets its
 * span, continuing the trace the message carried (message-arrivals), else a new one.
 */
export function runMessageHandler<T>(sink: TraceSink, operation: string, call: () => T): T {
  const context = currentTraceContext();
  const current = context?.span;
  if (current !== null && current !== undefined && interceptorSpans.has(current)) return call();
  return span(RPC_WORKFLOW, { operation, root: true, sink, traceHeader: arrivalHeaderOf(context) }, call);
}

/**
 * One root span per microservice message (`rpc`) or gateway message (`ws`), named by the
 * pattern or event. The span covers the handler's whole Observable: it ends when that completes,
 * fails with its error, and ends when the subscriber leaves early.
 */
import type { CallHandler } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { TraceSink } from '../core/trace-sink';
import { startSpan } from '../tracing/tracer';
import { handleInSpan } from './handler-in-span';

/** Spans the interceptor opened for a message: a wrapped handler running inside one opens no second span. */
const messageSpans = new WeakSet<object>();

export function isInterceptorMessageSpan(span: object | null | undefined): boolean {
  return span !== null && span !== undefined && messageSpans.has(span);
}

export function traceMessage(
  next: CallHandler,
  sink: TraceSink,
  workflow: string,
  operation: string,
  traceHeader: string | undefined,
): Observable<unknown> {
  const span = startSpan(workflow, { operation, traceHeader, root: true, sink });
  messageSpans.add(span);
  return handleInSpan(span, next, {
    error: (error) => span.fail(error),
    complete: () => span.end(),
    unsubscribe: () => span.end(),
  });
}

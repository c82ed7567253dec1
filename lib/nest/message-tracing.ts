/**
 * One root span per microservice message (`rpc`) or gateway message (`ws`), named by the
 * pattern or event. The span covers the handler's whole Observable: it ends when that completes,
 * fails with its error, and ends when the subscriber leaves early.
 */
import type { CallHandler } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { TraceSink } from '../core/trace-sink';
import { runInSpan, startSpan } from '../tracing/tracer';

export function traceMessage(
  next: CallHandler,
  sink: TraceSink,
  workflow: string,
  operation: string,
  traceHeader: string | undefined,
): Observable<unknown> {
  const span = startSpan(workflow, { operation, traceHeader, root: true, sink });
  return new Observable<unknown>((subscriber) => {
    const subscription = runInSpan(span, () =>
      next.handle().subscribe({
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
      span.end();
    };
  });
}

/**
 * The handler's Observable as the interceptor hands it back to Nest: subscribed inside the
 * span's context (the nestjs-cls pattern: the handler, and all it awaits, runs in it), every
 * notification relayed, and the span's owner told of the outcome first.
 */
import type { CallHandler } from '@nestjs/common';
import { Observable } from 'rxjs';
import { currentTraceContext, runOutsideTraceContext } from '../tracing/context';
import type { SpanHandle } from '../tracing/span';
import { runInSpan } from '../tracing/tracer';

export interface HandlerOutcome {
  error?(error: unknown): void;
  complete?(): void;
  /** The subscriber left (after an outcome, or before one). */
  unsubscribe?(): void;
}

export function handleInSpan(span: SpanHandle, next: CallHandler, outcome: HandlerOutcome = {}): Observable<unknown> {
  return new Observable<unknown>((subscriber) => {
    const subscribe = () =>
      next.handle().subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => {
          outcome.error?.(error);
          subscriber.error(error);
        },
        complete: () => {
          outcome.complete?.();
          subscriber.complete();
        },
      });
    // A request usually still runs in the span its server opened; re-entering it would be wasted.
    const subscription = currentTraceContext() === span ? subscribe() : runInSpan(span, subscribe);
    return () => {
      subscription.unsubscribe();
      outcome.unsubscribe?.();
    };
  });
}

/** The handler of a request whose span is over (excluded by its route): subscribed outside any trace. */
export function handleOutsideTrace(next: CallHandler): Observable<unknown> {
  return new Observable<unknown>((subscriber) => {
    const subscription = runOutsideTraceContext(() => next.handle().subscribe(subscriber));
    return () => subscription.unsubscribe();
  });
}

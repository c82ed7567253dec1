/**
 * Ends a span when the traced work ends: at once for a plain value, when a native promise
 * settles, and for an Observable when it completes, errors or is unsubscribed (recorded in
 * `rx.outcome`). Errors pass through untouched: the very same value is re-thrown or rejected.
 */
import type { SpanHandle } from './span';
import { runInTraceContext } from './context';

interface ObservableLike {
  subscribe: (...args: unknown[]) => { unsubscribe(): void };
  pipe: (...args: unknown[]) => unknown;
}

type RxModule = { Observable: new (subscribe: (subscriber: Subscriber) => () => void) => unknown };
interface Subscriber {
  next(value: unknown): void;
  error(error: unknown): void;
  complete(): void;
}

let rx: RxModule | null | undefined;

/** rxjs is a peer of Nest; plain Node users without it never load it. */
function loadRx(): RxModule | null {
  if (rx === undefined) {
    try {
      rx = require('rxjs') as RxModule;
    } catch {
      rx = null;
    }
  }
  return rx;
}

export function isObservableLike(value: unknown): value is ObservableLike {
  return typeof value === 'object' && value !== null && typeof (value as ObservableLike).subscribe === 'function' && typeof (value as ObservableLike).pipe === 'function';
}

export function endWithResult<T>(span: SpanHandle, result: T): T {
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        span.fail(error);
        throw error;
      },
    ) as T;
  }
  if (isObservableLike(result)) {
    const wrapped = traceObservable(span, result);
    if (wrapped !== undefined) return wrapped as T;
  }
  span.end();
  return result;
}

function traceObservable(span: SpanHandle, source: ObservableLike): unknown {
  const Rx = loadRx();
  if (Rx === null) return undefined;
  return new Rx.Observable((subscriber) => {
    const subscription = runInTraceContext(span, () =>
      source.subscribe({
        next: (value: unknown) => subscriber.next(value),
        error: (error: unknown) => {
          span.setMetadata({ 'rx.outcome': 'error' });
          span.fail(error);
          subscriber.error(error);
        },
        complete: () => {
          span.setMetadata({ 'rx.outcome': 'complete' });
          span.end();
          subscriber.complete();
        },
      }),
    );
    return () => {
      subscription.unsubscribe();
      if (!span.ended) {
        span.setMetadata({ 'rx.outcome': 'unsubscribe' });
        span.end();
      }
    };
  });
}

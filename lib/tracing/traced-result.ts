/**
 * Ends a span when the traced work ends, without changing what the caller gets back:
 * - a native Promise (the class Promise itself, as async functions return) is chained: the
 *   caller gets a promise that settles with the same value or the same rejection, one tick later;
 *   a rejection nobody handles is still reported as unhandled;
 * - an rxjs Observable of the class Observable itself (rxjs's own class, loaded only if it is
 *   installed) comes back as an Observable that mirrors it; the span ends on complete, error or
 *   unsubscribe (recorded in `rx.outcome`);
 * - anything else (Promise subclasses, thenables, generators, Subjects, Proxies) is returned as
 *   the very same object and the span ends now, as succeeded: the method returned. Calling its
 *   `then` or reading its properties could run user code (a query builder runs on `then`).
 * Only the prototype is read (a Proxy's trap may throw, which is caught), and `then` of an object
 * whose prototype is Promise.prototype itself; nothing that reads or calls user code can throw
 * into the caller.
 */
import { types } from 'node:util';
import type { SpanHandle } from './span';
import { runInTraceContext } from './context';

interface Subscription {
  unsubscribe(): void;
}
interface Subscriber {
  next(value: unknown): void;
  error(error: unknown): void;
  complete(): void;
}
interface RxObservable {
  subscribe(observer: Partial<Subscriber>): Subscription;
}
type RxModule = { Observable: (new (subscribe: (subscriber: Subscriber) => () => void) => RxObservable) & { prototype: object } };

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

export function endWithResult<T>(span: SpanHandle, result: T): T {
  if (typeof result === 'object' && result !== null) {
    let prototype: object | null;
    try {
      prototype = Object.getPrototypeOf(result) as object | null;
    } catch {
      prototype = null;
    }
    if (prototype === Promise.prototype) {
      const chained = tracePromise(span, result as unknown as Promise<unknown>);
      if (chained !== undefined) return chained as T;
    } else if (prototype !== null && prototype !== Object.prototype && prototype === loadRx()?.Observable.prototype && !types.isProxy(result)) {
      return traceObservable(span, result as unknown as RxObservable) as T;
    }
  }
  span.end();
  return result;
}

/** undefined when `promise` only looks like one (Promise.prototype on a non-promise, a Proxy): `then` throws for those. */
function tracePromise(span: SpanHandle, promise: Promise<unknown>): Promise<unknown> | undefined {
  try {
    return promise.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        span.fail(error);
        throw error;
      },
    );
  } catch {
    return undefined;
  }
}

function traceObservable(span: SpanHandle, source: RxObservable): RxObservable {
  return new rx!.Observable((subscriber) => {
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

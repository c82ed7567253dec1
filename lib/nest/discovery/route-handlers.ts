/**
 * HTTP route handlers (`@Get`, `@Post`, … methods of controllers), wrapped once at start-up
 * (name, length and metadata kept) only to see their errors before any exception filter turns
 * them into a response: the request span then fails with the handler's own error (type and
 * message) when the response is a 5xx. The wrapper tells http-request-spans through the context
 * the handler runs in (the request's span), since Nest calls a handler with its parameters only.
 * A value, a promise or an Observable is handed back as it is (an Observable is relayed).
 * Used when the interceptor is not bound to HTTP routes (the default).
 */
import { Observable } from 'rxjs';
import { requestHandlerFailed } from '../../http/http-request-spans';
import type { DecoratedMethod } from './decorated-methods';
import { wrapPrototypeMethod } from './method-wrapping';

export const ROUTE_HANDLER_KIND = 'route-handler';

/** @nestjs/common's PATH_METADATA and METHOD_METADATA, both on a route handler's function. */
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';

export function isRouteHandlerMethod(method: Function): boolean {
  return Reflect.getMetadata(METHOD_METADATA, method) !== undefined && Reflect.getMetadata(PATH_METADATA, method) !== undefined;
}

export function wrapRouteHandler(found: DecoratedMethod): boolean {
  return wrapPrototypeMethod(found.prototype, found.key, ROUTE_HANDLER_KIND, (original) =>
    function routeHandler(this: unknown, ...args: unknown[]): unknown {
      let result: unknown;
      try {
        result = Reflect.apply(original, this, args);
      } catch (error) {
        requestHandlerFailed(error);
        throw error;
      }
      return observeFailure(result);
    },
  );
}

function observeFailure(result: unknown): unknown {
  if (result === null || typeof result !== 'object') return result;
  if (result instanceof Promise) {
    // The same promise goes back to Nest; this side branch only reads its rejection.
    result.then(undefined, requestHandlerFailed);
    return result;
  }
  if (isObservableLike(result)) {
    const source = result;
    return new Observable<unknown>((subscriber) =>
      source.subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => {
          requestHandlerFailed(error);
          subscriber.error(error);
        },
        complete: () => subscriber.complete(),
      }),
    );
  }
  return result;
}

/** rxjs's own test (the app's rxjs may be another copy than ours). */
function isObservableLike(value: object): value is Observable<unknown> {
  const candidate = value as { subscribe?: unknown; lift?: unknown };
  return typeof candidate.subscribe === 'function' && typeof candidate.lift === 'function';
}

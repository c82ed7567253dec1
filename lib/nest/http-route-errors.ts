/**
 * The error of an HTTP request, as Nest had it before any exception filter turned it into a
 * response: whatever threw on the way to the answer (a middleware, a guard, an interceptor, a
 * pipe or the handler) reaches the route's ExceptionsHandler (`next(exception, host)`) with the
 * request as the host's first argument. The request span then fails with that error's type and
 * message when the status sent is a 5xx (http-request-spans). One hook on the class, installed
 * while an app runs, so no route handler is wrapped and no request pays for a rejection handler.
 *
 * ExceptionsHandler is Nest's own (`@nestjs/core/exceptions/exceptions-handler.js`, the same file
 * in Nest 11 and 12); a release without it leaves the span failed without the error's fields.
 */
import { requestFailed } from '../http/http-request-spans';
import { sharedHook, wrapMethod, type Prototype } from './prototype-hooks';

/** From now until the returned release, the errors of every HTTP route reach their request's span. */
export const seeHttpRouteErrors: () => () => void = sharedHook(() =>
  wrapMethod(exceptionsHandlerPrototype(), 'next', (original) =>
    function next(this: unknown, exception: unknown, host: unknown): unknown {
      try {
        requestFailed((host as { getArgByIndex(index: number): unknown }).getArgByIndex(0), exception);
      } catch {
        // The filters run whatever happens here.
      }
      return Reflect.apply(original, this, [exception, host]);
    },
  ),
);

function exceptionsHandlerPrototype(): Prototype | undefined {
  try {
    // A plain require: the very module instance the app's @nestjs/core loaded (Node 20.19+ loads the ESM-only Nest 12 this way too).
    return (require('@nestjs/core/exceptions/exceptions-handler.js') as { ExceptionsHandler?: { prototype: Prototype } }).ExceptionsHandler?.prototype;
  } catch {
    return undefined;
  }
}

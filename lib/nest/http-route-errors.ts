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

interface HandlerClass {
  prototype: { next?: unknown };
}

type Next = (this: unknown, exception: unknown, host: unknown) => unknown;

let installs = 0;
let restore: (() => void) | undefined;

/** From now until the returned release, the errors of every HTTP route reach their request's span. */
export function seeHttpRouteErrors(): () => void {
  installs++;
  restore ??= wrapNext(exceptionsHandlerClass());
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--installs === 0) {
      restore?.();
      restore = undefined;
    }
  };
}

function wrapNext(handler: HandlerClass | undefined): (() => void) | undefined {
  const prototype = handler?.prototype;
  const original = prototype?.next;
  if (prototype === undefined || typeof original !== 'function') return undefined;
  const next = function next(this: unknown, exception: unknown, host: unknown): unknown {
    try {
      requestFailed((host as { getArgByIndex(index: number): unknown }).getArgByIndex(0), exception);
    } catch {
      // The filters run whatever happens here.
    }
    return Reflect.apply(original as Next, this, [exception, host]);
  };
  prototype.next = next;
  return () => {
    if (prototype.next === next) prototype.next = original;
  };
}

function exceptionsHandlerClass(): HandlerClass | undefined {
  try {
    // A plain require: the very module instance the app's @nestjs/core loaded (Node 20.19+ loads the ESM-only Nest 12 this way too).
    return (require('@nestjs/core/exceptions/exceptions-handler.js') as { ExceptionsHandler?: HandlerClass }).ExceptionsHandler;
  } catch {
    return undefined;
  }
}

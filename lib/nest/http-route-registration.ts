/**
 * HTTP request spans without Nest's interceptor pipeline (the default; `httpInterceptor: true`
 * brings the interceptor back). A global interceptor makes Nest build an rxjs pipeline around
 * every route handler, which costs more per request than all our tracing; the request span needs
 * none of it, since it opens on Node's server channel. What the interceptor did before the
 * handler happens here instead, in the route callback Nest hands its HTTP adapter: once the
 * platform has matched the route (Express sets `req.route` before the callback; Fastify names the
 * span in its onRequest hook) the span is named or discarded (`exclude` by template), and the
 * callback (guards, pipes, the handler) runs in the span, or outside any trace when excluded.
 * Errors on the way to the answer are taken from Nest's ExceptionsHandler (http-route-errors).
 *
 * The adapter's route methods (`get`, `post`, …) are wrapped on the adapter instance, once, while
 * the app's providers are built: Nest registers its routes later, in `app.init()`.
 */
import type { HttpRequestSpans } from '../http/http-request-spans';
import { routeTemplateOf } from '../http/route-template';
import { applyInTraceContext, currentTraceContext, runOutsideTraceContext } from '../tracing/context';
import { copyFunctionIdentity } from '../tracing/method-metadata';

/** Route methods of Nest's HTTP adapters (its RequestMethod names), as far as the adapter has them. */
const ROUTE_METHODS = ['get', 'post', 'put', 'delete', 'patch', 'all', 'options', 'head', 'search', 'propfind', 'proppatch', 'mkcol', 'copy', 'move', 'lock', 'unlock', 'query'];

const TRACED = Symbol.for('teracron.http.routeRegistrationTraced');

type RouteCallback = (this: unknown, request: object, ...rest: unknown[]) => unknown;
type RouteMethod = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps every route callback `adapter` is given from now on; a second call for the same adapter is a no-op. */
export function traceRouteRegistrations(adapter: object, spans: HttpRequestSpans): void {
  const target = adapter as Record<string | symbol, unknown>;
  if (target[TRACED] === true) return;
  Object.defineProperty(target, TRACED, { value: true });
  for (const name of ROUTE_METHODS) {
    const register = target[name];
    if (typeof register !== 'function') continue;
    target[name] = function registerTracedRoute(this: unknown, ...args: unknown[]): unknown {
      const last = args.length - 1;
      if (typeof args[last] === 'function') args[last] = tracedRouteCallback(args[last] as RouteCallback, spans);
      return Reflect.apply(register as RouteMethod, this, args);
    };
  }
}

function tracedRouteCallback(callback: RouteCallback, spans: HttpRequestSpans): RouteCallback {
  const traced = function tracedRoute(this: unknown, request: object): unknown {
    let span: ReturnType<HttpRequestSpans['routeMatched']>;
    try {
      span = spans.routeMatched(request, routeTemplateOf(request));
    } catch {
      span = undefined;
    }
    // undefined: nothing to record (no span, unsampled); the context stays as the server channel set it.
    if (span === undefined || currentTraceContext() === span) return Reflect.apply(callback, this, arguments);
    // null: the span is over (excluded by its route template, or the client left): the handler runs outside any trace.
    if (span === null) return runOutsideTraceContext(() => Reflect.apply(callback, this, arguments));
    // A middleware lost the context on the way: the handler still runs in the request's span.
    return applyInTraceContext(span, callback as (...args: unknown[]) => unknown, this, arguments);
  } as RouteCallback;
  copyFunctionIdentity(callback, traced);
  // Nest's adapters read what the router put on its callback (Fastify: `version`).
  for (const key of Reflect.ownKeys(callback)) {
    if (key === 'name' || key === 'length' || key === 'prototype' || Object.prototype.hasOwnProperty.call(traced, key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(callback, key);
    if (descriptor !== undefined) Object.defineProperty(traced, key, descriptor);
  }
  return traced;
}

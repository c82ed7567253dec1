/**
 * Outbound HTTP client spans: each request made inside a sampled trace (fetch, undici,
 * node:http(s)) is a child span `METHOD host` of workflow `http.client`, ended when the response's
 * headers arrive (`http.status_code`, failed for a 5xx) or failed with the network error. Only the
 * diagnostics channels are used: no listener is added to the user's request or response, so
 * Node's own behaviour (an unhandled 'error', dumping an unread response) stays as it is.
 * The span rides on the request object in a WeakMap, so a request never answered costs nothing
 * once it is gone.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { currentTraceContext } from '../tracing/context';
import type { SpanHandle } from '../tracing/span';
import { startSpan } from '../tracing/tracer';

export const HTTP_CLIENT_WORKFLOW = 'http.client';

const spans = new WeakMap<object, SpanHandle>();

/** A child span for a request to `host`, or undefined outside a sampled trace. */
export function startRequestSpan(request: object, method: string, host: string): SpanHandle | undefined {
  const context = currentTraceContext();
  if (context === undefined || !context.sampled || !context.sink.running) return undefined;
  const verb = method.toUpperCase();
  const span = startSpan(HTTP_CLIENT_WORKFLOW, { operation: `${verb} ${host}`, metadata: { 'http.method': verb, 'http.host': host } });
  if (!span.sampled) return undefined;
  spans.set(request, span);
  return span;
}

function answered(request: unknown, statusCode: unknown): void {
  const span = typeof request === 'object' && request !== null ? spans.get(request) : undefined;
  if (span === undefined) return;
  spans.delete(request as object);
  const status = typeof statusCode === 'number' ? statusCode : 0;
  span.setMetadata({ 'http.status_code': status });
  if (status >= 500) span.endWith('failed');
  else span.end();
}

function failed(request: unknown, error: unknown): void {
  const span = typeof request === 'object' && request !== null ? spans.get(request) : undefined;
  if (span === undefined) return;
  spans.delete(request as object);
  span.fail(error);
}

/** undici and node:http publish the same shapes: `{ request, response }` and `{ request, error }`. */
const onResponse = (message: unknown): void => {
  const { request, response } = message as { request?: unknown; response?: { statusCode?: unknown } };
  answered(request, response?.statusCode);
};
const onError = (message: unknown): void => {
  const { request, error } = message as { request?: unknown; error?: unknown };
  failed(request, error);
};

const CHANNELS: Array<[string, (message: unknown) => void]> = [
  ['undici:request:headers', onResponse],
  ['undici:request:error', onError],
  ['http.client.response.finish', onResponse],
  ['http.client.request.error', onError],
];

/** Listens for the ends of the requests startRequestSpan saw; returns the unsubscribe. */
export function listenForRequestEnds(): () => void {
  for (const [name, listener] of CHANNELS) diagnosticsChannel.subscribe(name, listener);
  return () => {
    for (const [name, listener] of CHANNELS) diagnosticsChannel.unsubscribe(name, listener);
  };
}

/**
 * The root span of every HTTP request the app's server answers, opened when Node announces the
 * request (`http.server.request.start`) and ended when the response is finished. Guards, unknown
 * routes, body-parser errors and throwing middleware stop a request before any interceptor runs;
 * this way those requests get their span too. The global interceptor, when it runs, names the
 * span by its route template and records the handler's error; nothing opens a second span.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TraceSink } from '../core/trace-sink';
import { enterTraceContext, leaveTraceContext } from '../tracing/context';
import { TRACE_HEADER } from '../tracing/propagation';
import { NOOP_SPAN, type SpanHandle } from '../tracing/span';
import { startSpan } from '../tracing/tracer';
import { endHttpSpan } from './http-span-end';
import { requestPathOf, routeTemplateOf } from './request-operation';
import type { RouteExclusion } from './route-exclusion';

export interface ServerTracing {
  sink: TraceSink;
  workflow: string;
  exclusion: RouteExclusion;
}

export interface RequestSpanState {
  readonly span: SpanHandle;
  readonly method: string;
  /** Set by the interceptor: the span already has its route name. */
  named: boolean;
  /** The handler's error, as the interceptor saw it before any exception filter. */
  error: { value: unknown } | undefined;
  /**
   * Set only by a layer above HTTP (GraphQL): the answer carried an error although its status is
   * not a 5xx. Left out of the literal below, so other requests pay one property read for it.
   */
  answerError?: { value: unknown };
  /** Fastify's request object, which knows the matched route (the raw request does not). */
  frameworkRequest: unknown;
}

const CHANNEL = 'http.server.request.start';
const INBOUND_HEADER = TRACE_HEADER.toLowerCase();
/** RouteExclusion caches template decisions per handler; requests without a handler share this key. */
const NO_HANDLER = {};

const servers = new WeakMap<object, ServerTracing>();
/** The state rides on the raw request itself: cheaper per request than a WeakMap entry, and gone with it. */
const STATE = Symbol('teracron.requestSpan');
type StatefulRequest = IncomingMessage & { [STATE]?: RequestSpanState };
let registered = 0;

/** Opens a span per request on `server` until the returned function is called. */
export function traceServerRequests(server: object, tracing: ServerTracing): () => void {
  servers.set(server, tracing);
  if (registered++ === 0) diagnosticsChannel.subscribe(CHANNEL, onRequestStart);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    servers.delete(server);
    if (--registered === 0) diagnosticsChannel.unsubscribe(CHANNEL, onRequestStart);
  };
}

/** The span state of a raw request (Express's request is one; Fastify's holds it as `raw`). */
export function requestSpanStateOf(request: unknown): RequestSpanState | undefined {
  if (registered === 0 || request === null || typeof request !== 'object') return undefined;
  const raw = ((request as { raw?: unknown }).raw ?? request) as StatefulRequest;
  return raw[STATE];
}

function onRequestStart(message: unknown): void {
  try {
    const { request, response, server } = message as { request: IncomingMessage; response: ServerResponse; server: object };
    const tracing = servers.get(server);
    if (tracing === undefined) return;
    // Requests of one keep-alive connection share an async resource: the previous request's span
    // must not become the context of this one when this one gets no span.
    leaveTraceContext();
    if (!tracing.sink.running || !tracing.sink.tracing.enabled) return;
    const method = request.method ?? 'UNKNOWN';
    if (!tracing.exclusion.empty && tracing.exclusion.isExcluded(NO_HANDLER, method, undefined, requestPathOf(request))) return;
    const inbound = request.headers[INBOUND_HEADER];
    const span = startSpan(tracing.workflow, {
      operation: `${method} (unmatched)`,
      traceHeader: typeof inbound === 'string' ? inbound : undefined,
      root: true,
      sink: tracing.sink,
      metadata: { 'http.method': method },
    });
    if (span === NOOP_SPAN) return;
    const state: RequestSpanState = { span, method, named: false, error: undefined, frameworkRequest: undefined };
    (request as StatefulRequest)[STATE] = state;
    const header = span.traceHeader();
    if (header !== undefined) response.setHeader(TRACE_HEADER, header);
    // The rest of this request (middleware, guards, pipes, the handler) runs in the span's context.
    enterTraceContext(span);
    if (!span.sampled) return;
    // A response emits 'close' once, after 'finish' or when the client left first: one listener covers both.
    response.on('close', () => endRequestSpan(state, request, response, tracing));
  } catch {
    // A request is served whether or not we could trace it.
  }
}

function endRequestSpan(state: RequestSpanState, request: IncomingMessage, response: ServerResponse, tracing: ServerTracing): void {
  const span = state.span;
  try {
    if (!state.named) {
      const template = routeTemplateOf(state.frameworkRequest ?? request);
      if (template !== undefined) {
        if (!tracing.exclusion.empty && tracing.exclusion.isExcluded(NO_HANDLER, state.method, template, requestPathOf(request))) {
          span.discard();
          return;
        }
        span.setOperation(`${state.method} ${template}`);
        span.setMetadata({ 'http.route': template });
      }
    }
    endHttpSpan(span, response, state.error, state.answerError);
  } catch {
    // Telemetry never throws into the host app.
  }
}

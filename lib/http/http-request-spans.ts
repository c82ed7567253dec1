/**
 * The HTTP server request span, in one place: this module opens, names, excludes and ends the
 * root span of every request a traced server answers. Framework-free (Node's server channel and
 * response); the Nest layer only tells it the route a handler matched and what threw on the way to the answer.
 *
 * - Opened when Node announces the request (`http.server.request.start`), before any middleware,
 *   guard or body parser, so requests that never reach a handler get their span too. It continues
 *   an inbound X-Teracron-Trace (or a W3C traceparent), names itself in the response header, and the rest of the request
 *   runs in its context.
 * - Named `METHOD /template` once the platform matched a route (told by `routeMatched`, or read
 *   from the request when it ends: Express sets `req.route`), else `METHOD (unmatched)`; never by
 *   the raw path.
 * - Excluded (`exclude`) by path on arrival, and by template once named: it records nothing.
 * - Ended once, when the response emits 'close' (after 'finish', or when the client left first),
 *   with the status sent: failed for a 5xx (with the error that led to it, when one was reported: requestFailed),
 *   succeeded for a 4xx the app answered on purpose (failed when a layer above, GraphQL, reported errors in the answer); a client that left first gives `http.aborted`.
 *
 * The per-request state rides on the raw request under a private symbol (cheaper per request
 * than a WeakMap entry); only this module reads or writes it.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TraceSink } from '../core/trace-sink';
import type { FlatRecord } from '../core/types';
import { enterTraceContext, leaveTraceContext } from '../tracing/context';
import { TRACE_HEADER } from '../tracing/propagation';
import { NOOP_SPAN, type SpanHandle } from '../tracing/span';
import { startSpan } from '../tracing/tracer';
import { inboundTraceOf, TRACEPARENT_HEADER, TRACESTATE_HEADER } from '../tracing/w3c-trace-context';
import { RouteExclusion, type ExcludedRoute } from './route-exclusion';
import { requestPathOf, routeTemplateOf } from './route-template';

export interface HttpRequestSpansSettings {
  /** Workflow of the request spans. */
  workflow: string;
  /** Requests never traced. */
  exclude: ExcludedRoute[];
}

interface RequestSpan {
  readonly span: SpanHandle;
  readonly method: string;
  /** The route is known (named, or excluded by it). */
  named: boolean;
  /** What threw on the way to the answer, as reported before any exception filter turned it into a response (requestFailed). */
  error: { value: unknown } | undefined;
  /**
   * An error the answer carried in its body (a GraphQL response with `errors`), set by a layer
   * above HTTP; left out of the literal made per request, so a plain request pays one read for it.
   */
  answerError?: { value: unknown };
  /** The module instance that opened it (the shared 'close' listener ends it there). */
  readonly owner: HttpRequestSpans;
  /** The route template it was named by, for its metadata at the end. */
  route: string | undefined;
  /** What an inbound traceparent gave (`w3c.parent_id`), for its metadata at the end. */
  readonly inbound: Record<string, string> | undefined;
}

/** The request span as a layer above HTTP sees it (GraphQL): it knows better than the route what the request was. */
export interface RequestSpanAccess {
  readonly span: SpanHandle;
  /** Names the span for good: the route template no longer replaces it when the request ends. */
  rename(operation: string, metadata?: FlatRecord): void;
  /** The span ends failed with this error unless its status is a 5xx (then it fails as usual). */
  markAnswerFailed(error: unknown): void;
}

const CHANNEL = 'http.server.request.start';
const INBOUND_HEADER = TRACE_HEADER.toLowerCase();
const STATE = Symbol('teracron.httpRequestSpan');
type TracedRequest = IncomingMessage & { [STATE]?: RequestSpan };

/** What `attachToEveryServer` attaches to: every server of the process that no app attached to. */
const EVERY_SERVER: object = Object.freeze({});
/** Servers some app's HttpRequestSpans traces (process-wide, since servers are): a process-wide instance leaves them to it. */
const attachedServers = new WeakSet<object>();

export class HttpRequestSpans {
  private readonly workflow: string;
  private readonly exclusion: RouteExclusion;
  private server: object | undefined;
  private sink: TraceSink | undefined;

  constructor(settings: HttpRequestSpansSettings) {
    this.workflow = settings.workflow;
    this.exclusion = new RouteExclusion(settings.exclude);
  }

  /** Opens a span for every request `server` answers, recorded by `sink`, until `detach()`. */
  attach(server: object, sink: TraceSink): void {
    if (this.server !== undefined) return;
    attachedServers.add(server);
    this.listen(server, sink);
  }

  /** Plain Node (startTeracron): a span for every request of every node:http(s) server no app attached to, until `detach()`. */
  attachToEveryServer(sink: TraceSink): void {
    if (this.server === undefined) this.listen(EVERY_SERVER, sink);
  }

  detach(): void {
    if (this.server === undefined) return;
    attachedServers.delete(this.server);
    diagnosticsChannel.unsubscribe(CHANNEL, this.onRequestStart);
    this.server = undefined;
    this.sink = undefined;
  }

  private listen(server: object, sink: TraceSink): void {
    this.server = server;
    this.sink = sink;
    diagnosticsChannel.subscribe(CHANNEL, this.onRequestStart);
  }

  /**
   * The platform matched `template` for `request` (Node's request, or a framework's request that
   * holds it as `raw`). Returns the span the handler runs in; null when the request's span is over
   * (excluded by its route, or the client already left): its handler runs outside any trace;
   * undefined when there is nothing to record (no span, or not sampled): the context stays as it is.
   */
  routeMatched(request: unknown, template: string | undefined): SpanHandle | null | undefined {
    const state = stateOf(request);
    if (state === undefined || !(state.span.sampled || state.span.watched)) return undefined;
    if (!state.named && template !== undefined) this.name(state, template);
    return state.span.ended ? null : state.span;
  }

  private readonly onRequestStart = (message: unknown): void => {
    let ours = false;
    let entered = false;
    try {
      const { request, response, server } = message as { request: TracedRequest; response: ServerResponse; server: object };
      if (server !== this.server && (this.server !== EVERY_SERVER || attachedServers.has(server))) return;
      ours = true;
      const sink = this.sink!;
      if (!sink.running || !sink.tracing.enabled) return;
      const method = request.method ?? 'UNKNOWN';
      if (this.exclusion.isPathExcluded(method, requestPathOf(request))) return;
      const headers = request.headers;
      // X-Teracron-Trace, else a W3C traceparent (its parent id goes to metadata).
      const inbound = inboundTraceOf(headers[INBOUND_HEADER], headers[TRACEPARENT_HEADER], headers[TRACESTATE_HEADER]);
      // Its metadata is made once, when it ends (requestMetadata), not piece by piece.
      const span = startSpan(this.workflow, { operation: `${method} (unmatched)`, traceHeader: inbound.traceHeader, root: true, sink });
      if (span === NOOP_SPAN) return;
      const state: RequestSpan = { span, method, named: false, error: undefined, owner: this, route: undefined, inbound: inbound.metadata };
      request[STATE] = state;
      const header = span.traceHeader();
      if (header !== undefined) response.setHeader(TRACE_HEADER, header);
      // The rest of this request (middleware, guards, pipes, the handler) runs in the span's context.
      enterTraceContext(span);
      entered = true;
      // A watched root (a trace not kept) is ended too: it is sent alone if the request fails.
      if (!span.sampled && !span.watched) return;
      // A response emits 'close' once, after 'finish' or when the client left first: one listener
      // covers both, and one function for every request (no closure or once-wrapper per request).
      response.on('close', endRequestSpan);
    } catch {
      // A request is served whether or not we could trace it.
    } finally {
      // Requests of one keep-alive connection share an async resource: the previous request's span
      // must not become the context of this one when this one gets no span. (Entering the new span
      // replaces it already: on Node 24 each switch allocates a context frame, so only one is made.)
      if (ours && !entered) leaveTraceContext();
    }
  };

  /** The request's span ends: called by the response's 'close' (endRequestSpan). */
  end(state: RequestSpan, request: IncomingMessage, response: ServerResponse): void {
    try {
      if (!state.named) {
        // A request no handler saw (a guard, an unknown route, a throwing middleware): Express has
        // set the route it matched, if any, on the request itself.
        const template = routeTemplateOf(request);
        if (template !== undefined) this.name(state, template);
      }
      const span = state.span;
      if (span.ended) return;
      const aborted = !response.writableFinished;
      const status = response.statusCode;
      const failure = aborted ? state.error : status >= 500 ? (state.error ?? FAILED_WITHOUT_ERROR) : state.answerError;
      // A watched root (a trace not kept) that ends well sends nothing: no metadata is made for it.
      if (span.sampled || failure !== undefined) span.setMetadata(requestMetadata(state, aborted, status));
      if (failure === undefined) span.end();
      else if (failure === FAILED_WITHOUT_ERROR) span.endWith('failed');
      else span.fail(failure.value);
    } catch {
      // Telemetry never throws into the host app.
    }
  }

  private name(state: RequestSpan, template: string): void {
    state.named = true;
    if (this.exclusion.isRouteExcluded(state.method, template)) {
      state.span.discard();
      return;
    }
    state.span.setOperation(`${state.method} ${template}`);
    state.route = template;
  }
}

/** A 5xx no error was reported for: the span fails without error fields. */
const FAILED_WITHOUT_ERROR: { value: unknown } = Object.freeze({ value: undefined });

/** The request span's metadata, in one object: method, route template, and status (or `http.aborted` when the client left first). */
function requestMetadata(state: RequestSpan, aborted: boolean, status: number): FlatRecord {
  const metadata: FlatRecord = state.inbound === undefined ? { 'http.method': state.method } : { 'http.method': state.method, ...state.inbound };
  if (state.route !== undefined) metadata['http.route'] = state.route;
  if (aborted) metadata['http.aborted'] = true;
  else metadata['http.status_code'] = status;
  return metadata;
}

/** The response's 'close' listener, shared by every request: `this` is the response, `req` its request. */
function endRequestSpan(this: ServerResponse): void {
  const request = this.req as TracedRequest;
  const state = request[STATE];
  if (state !== undefined) state.owner.end(state, request, this);
}

/**
 * What threw on the way to `request`'s answer (its handler, a pipe, a guard, a middleware), before
 * any exception filter answered: the span fails with it if the response turns out to be a 5xx. The
 * first error reported stays (a filter that throws in turn does not replace the cause).
 */
export function requestFailed(request: unknown, error: unknown): void {
  const state = stateOf(request);
  if (state !== undefined && state.error === undefined) state.error = { value: error };
}

/** The request span (sampled, or watched for failure) of a raw request or of Express's / Fastify's request, for a layer above HTTP; undefined when it has none. */
export function requestSpanOf(request: unknown): RequestSpanAccess | undefined {
  const state = stateOf(request);
  // A watched root (a trace not kept) too: an answer that carried errors is a failure, sent alone.
  if (state === undefined || !(state.span.sampled || state.span.watched)) return undefined;
  return {
    span: state.span,
    rename(operation, metadata) {
      state.named = true;
      state.span.setOperation(operation);
      if (metadata !== undefined) state.span.setMetadata(metadata);
    },
    markAnswerFailed(error) {
      state.answerError ??= { value: error };
    },
  };
}

/** The span state of a request: Node's request carries it; Fastify's request holds Node's as `raw`. */
function stateOf(request: unknown): RequestSpan | undefined {
  if (request === null || typeof request !== 'object') return undefined;
  const raw = ((request as { raw?: unknown }).raw ?? request) as TracedRequest;
  return raw[STATE];
}

/**
 * One root span per HTTP request (Express or Fastify). The span is named by method and route
 * template, continues an inbound X-Teracron-Trace, and names itself in the response header.
 * It ends when the response is sent, so the status is the one the client got, including one an
 * exception filter set after the handler's error went past us.
 */
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { TraceSink } from '../core/trace-sink';
import type { SpanHandle } from '../tracing/span';
import { TRACE_HEADER } from '../tracing/propagation';
import { startSpan } from '../tracing/tracer';
import { requestMethodOf, requestOperation, requestPathOf, routeTemplateOf } from './request-operation';
import type { RouteExclusion } from './route-exclusion';
import { requestSpanStateOf, type RequestSpanState } from './server-request-spans';
import { endHttpSpan } from './http-span-end';
import { handleInSpan } from './handler-in-span';

const INBOUND_HEADER = TRACE_HEADER.toLowerCase();

export interface HttpTracingSettings {
  sink: TraceSink;
  workflow: string;
  exclusion: RouteExclusion;
}

export function traceHttpRequest(context: ExecutionContext, next: CallHandler, settings: HttpTracingSettings): Observable<unknown> {
  const http = context.switchToHttp();
  const request: unknown = http.getRequest();
  const response: unknown = http.getResponse();
  const method = requestMethodOf(request);
  const template = routeTemplateOf(request);
  const opened = requestSpanStateOf(request);
  if (!settings.exclusion.empty && settings.exclusion.isExcluded(context.getHandler(), method, template, requestPathOf(request))) {
    opened?.span.discard();
    return next.handle();
  }
  if (opened !== undefined) return traceInOpenedSpan(opened, method, template, context, next);

  const span = startSpan(settings.workflow, {
    operation: requestOperation(method, template, context),
    traceHeader: inboundHeaderOf(request),
    root: true,
    sink: settings.sink,
    metadata: template === undefined ? { 'http.method': method } : { 'http.method': method, 'http.route': template },
  });
  setResponseHeader(response, span.traceHeader());

  if (!span.sampled) {
    // Nothing will be recorded, but children and outbound calls must still see the trace id.
    return handleInSpan(span, next);
  }
  const watcher = new ResponseWatcher(span, rawResponseOf(response));
  return handleInSpan(span, next, { error: (error) => watcher.recordError(error), complete: () => watcher.handlerCompleted() });
}

/**
 * The request's span was opened when the server received it (server-request-spans): name it by
 * its route and handler, and keep the handler's error for when the response is finished.
 */
function traceInOpenedSpan(state: RequestSpanState, method: string, template: string | undefined, context: ExecutionContext, next: CallHandler): Observable<unknown> {
  const span = state.span;
  state.named = true;
  if (!span.sampled) return next.handle();
  span.setOperation(requestOperation(method, template, context));
  if (template !== undefined) span.setMetadata({ 'http.route': template });
  return handleInSpan(span, next, { error: (error) => (state.error = { value: error }) });
}

/**
 * Ends the span once the response is finished (or the connection closed first). Failed for a
 * 5xx, with the handler's error when one went past; a 4xx the app answered on purpose succeeded.
 */
class ResponseWatcher {
  private error: { value: unknown } | undefined;

  constructor(
    private readonly span: SpanHandle,
    private readonly raw: RawResponse | undefined,
  ) {
    // 'close' comes once, after 'finish' or when the client left first: one listener covers both.
    if (raw !== undefined) raw.once('close', this.onDone);
  }

  /** The error the handler's Observable failed with, before any exception filter turned it into a response. */
  recordError(error: unknown): void {
    this.error = { value: error };
    if (this.raw === undefined) this.span.fail(error);
  }

  /** Only a platform whose response we cannot watch ends the span with the handler. */
  handlerCompleted(): void {
    if (this.raw === undefined) this.span.end();
  }

  private readonly onDone = (): void => {
    try {
      endHttpSpan(this.span, this.raw!, this.error);
    } catch {
      // Telemetry never throws into the host app.
    }
  };
}

interface RawResponse {
  statusCode: number;
  writableFinished: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/** Fastify's reply wraps Node's response in `raw`; Express's response is Node's response. */
function rawResponseOf(response: unknown): RawResponse | undefined {
  if (response === null || typeof response !== 'object') return undefined;
  const candidate = ((response as { raw?: unknown }).raw ?? response) as Partial<RawResponse>;
  return typeof candidate.once === 'function' ? (candidate as RawResponse) : undefined;
}

function inboundHeaderOf(request: unknown): string | undefined {
  const headers = (request as { headers?: Record<string, unknown> }).headers;
  const value = headers?.[INBOUND_HEADER];
  return typeof value === 'string' ? value : undefined;
}

/** Fastify's `reply.header()` (its raw response's headers are replaced at send); Express's `setHeader`. */
function setResponseHeader(response: unknown, value: string | undefined): void {
  if (!value || response === null || typeof response !== 'object') return;
  try {
    const reply = response as { raw?: unknown; header?: (name: string, value: string) => unknown; setHeader?: (name: string, value: string) => unknown };
    if (reply.raw !== undefined && typeof reply.header === 'function') reply.header(TRACE_HEADER, value);
    else if (typeof reply.setHeader === 'function' && !(reply as { headersSent?: boolean }).headersSent) reply.setHeader(TRACE_HEADER, value);
  } catch {
    // A response that refuses the header still gets served.
  }
}

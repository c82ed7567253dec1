/**
 * X-Teracron-Trace across processes (PROTOCOL.md §7): `TRACE_ID` or `TRACE_ID:PARENT_SPAN_ID`,
 * each part exactly 32 hex characters (stricter than the reference, see `strict` cases in the
 * vectors), case preserved. Bad input is ignored and never throws.
 */
import { newestRunningClient } from '../core/client-registry';
import { currentTraceContext, enterTraceContext, runInTraceContext, type TraceContext } from './context';
import { parseTraceHeader } from './trace-header';
import { continueTrace } from './trace-start';

export { parseTraceHeader, type ParsedTraceHeader } from './trace-header';

export const TRACE_HEADER = 'X-Teracron-Trace';

/** The header for the current context: trace id and innermost open span, or undefined outside a trace. */
export function getTraceHeader(): string | undefined {
  const context = currentTraceContext();
  if (context === undefined || context.traceId === '') return undefined;
  return context.contextSpanId === null ? context.traceId : `${context.traceId}:${context.contextSpanId}`;
}

/**
 * Joins the current async context to the trace in `value` (spans started from here on continue it).
 * Uses AsyncLocalStorage.enterWith: it lasts for the rest of this synchronous run and what it
 * schedules, never leaking to callers above an `await` boundary they own. Prefer runWithTraceHeader.
 * Returns false when the value is ignored (malformed, or no running client).
 */
export function setTraceHeader(value: unknown): boolean {
  const context = contextForHeader(value);
  if (context === undefined) return false;
  enterTraceContext(context);
  return true;
}

/** Runs fn inside the trace named by `value` (a queue consumer's message header); fn runs either way. */
export function runWithTraceHeader<T>(value: unknown, fn: () => T): T {
  const context = contextForHeader(value);
  return context === undefined ? fn() : runInTraceContext(context, fn);
}

function contextForHeader(value: unknown): TraceContext | undefined {
  const parsed = parseTraceHeader(value);
  if (parsed === null) return undefined;
  const sink = currentTraceContext()?.sink ?? newestRunningClient();
  if (sink === undefined || !sink.running || !sink.tracing.enabled) return undefined;
  return continueTrace(sink, parsed.traceId, parsed.parentSpanId);
}

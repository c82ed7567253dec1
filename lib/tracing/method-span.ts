/**
 * The span of one @Trace call, in three steps around the call itself: open (decide, start,
 * capture, enter the context), then close with the result or fail with the thrown value (put the
 * caller's context back, end the span). The wrapper keeps only the span between them, so each
 * traced level adds one small frame to the stack. None of the three ever throws.
 */
import { newestRunningClient } from '../core/client-registry';
import { currentTraceContext, enterTraceContext, restoreTraceContext, type TraceContext } from './context';
import { NOOP_SPAN, type RecordingSpan, type SpanHandle } from './span';
import { endWithResult } from './traced-result';
import { startMethodSpan } from './trace-start';

export interface CaptureSlot {
  index: number;
  name: string;
  rest: boolean;
}

/** What a traced method knows at decoration time. */
export interface TracedSite {
  readonly workflow: string;
  readonly operation: string;
  readonly capture: readonly CaptureSlot[] | null;
}

/**
 * The context isTracing() read, for the openMethodSpan() call that follows it at once (no other
 * code runs in between): each read of the context costs an async-resource lookup.
 */
let checkedContext: TraceContext | undefined;

/**
 * The hot path of every traced call, small enough to be inlined: false with no client running
 * or inside an unsampled trace, where the wrapper only calls the method.
 */
export function isTracing(): boolean {
  const context = currentTraceContext();
  if (context !== undefined) {
    if (!context.sampled) return false;
    checkedContext = context;
    return true;
  }
  checkedContext = undefined;
  const client = newestRunningClient();
  return client !== undefined && client.tracing.enabled;
}

/**
 * The span the call runs in, entered; undefined when nothing is recorded (call the method as it
 * is). Called right after isTracing() said yes. Starting a span and capturing never throw;
 * entering the context throws only when the stack is exhausted, as calling the method would.
 */
export function openMethodSpan(site: TracedSite, args: IArguments): SpanHandle | undefined {
  const context = checkedContext;
  checkedContext = undefined;
  const span = startMethodSpan(site.workflow, site.operation, context);
  if (span === NOOP_SPAN) return undefined;
  if (span.sampled) {
    (span as RecordingSpan).outerContext = context;
    if (site.capture !== null) captureArguments(span, site.capture, args);
  }
  enterTraceContext(span);
  return span;
}

/** Returns what the caller gets: `result` itself, or for a native Promise or an Observable, its traced mirror. */
export function closeMethodSpan(result: unknown, span: SpanHandle): unknown {
  try {
    restoreTraceContext(outerContextOf(span));
    return span.sampled || span.watched ? endWithResult(span, result) : result;
  } catch {
    return result;
  }
}

/** Returns the thrown value for the wrapper to re-throw: the very same value. */
export function failMethodSpan(error: unknown, span: SpanHandle): unknown {
  try {
    restoreTraceContext(outerContextOf(span));
    span.fail(error);
  } catch {
    // The caller gets its error whatever happens here.
  }
  return error;
}

/**
 * The context to put back, taken from the span (which then lets go of it: a span still held by
 * work it scheduled must not keep its ancestors alive). Only a new root is entered unsampled
 * (inside an unsampled trace the call passes through), so its outer context is none.
 */
function outerContextOf(span: SpanHandle): TraceContext | undefined {
  if (!span.sampled) return undefined;
  const outer = (span as RecordingSpan).outerContext;
  (span as RecordingSpan).outerContext = undefined;
  return outer;
}

function captureArguments(span: SpanHandle, capture: readonly CaptureSlot[], args: IArguments): void {
  try {
    const values: Record<string, unknown> = {};
    for (const slot of capture) {
      const value = slot.rest ? Array.prototype.slice.call(args, slot.index) : args[slot.index];
      if (value !== undefined) values[slot.name] = value;
    }
    span.setCaptured(values);
  } catch {
    // A throwing argument (a Proxy, a getter) is left out rather than failing the call.
  }
}

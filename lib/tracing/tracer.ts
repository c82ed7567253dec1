/**
 * The span API, as functions and as the injectable TeracronTracer: start a span, run code in
 * it, wrap a callback (sync, promise or Observable), emit user events, read the current span.
 */
import type { TraceSink } from '../core/trace-sink';
import { currentTraceContext, runInTraceContext } from './context';
import { emitUserEvent, type EmitEventOptions } from './events';
import { NOOP_SPAN, type SpanHandle } from './span';
import { endWithResult } from './traced-result';
import { startSpan as startSpanIn, type StartSpanOptions } from './trace-start';

export type { StartSpanOptions } from './trace-start';
export type { EmitEventOptions } from './events';

export function startSpan(workflow: string, options?: StartSpanOptions): SpanHandle {
  return startSpanIn(workflow, options);
}

/** Runs fn with `span` as the current span; the no-op span runs fn as it is. */
export function runInSpan<T>(span: SpanHandle, fn: () => T): T {
  return span === NOOP_SPAN ? fn() : runInTraceContext(span, fn);
}

/**
 * Runs fn in a new span and ends it when fn's work ends; returns what fn returns and re-throws
 * the very same error. `span('payment', fn)` or `span('payment', { operation }, fn)`.
 */
export function span<T>(workflow: string, fn: (span: SpanHandle) => T): T;
export function span<T>(workflow: string, options: StartSpanOptions, fn: (span: SpanHandle) => T): T;
export function span<T>(workflow: string, optionsOrFn: StartSpanOptions | ((span: SpanHandle) => T), maybeFn?: (span: SpanHandle) => T): T {
  const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn!;
  const handle = startSpanIn(workflow, typeof optionsOrFn === 'function' ? undefined : optionsOrFn);
  // A watched root (a trace not kept) runs as unsampled but still learns how fn's work ended.
  if (!handle.sampled && !handle.watched) return runInSpan(handle, () => fn(handle));
  let result: T;
  try {
    result = runInTraceContext(handle, () => fn(handle));
  } catch (error) {
    handle.fail(error);
    throw error;
  }
  return endWithResult(handle, result);
}

/** The innermost open span, or undefined outside any span. */
export function currentSpan(): SpanHandle | undefined {
  return currentTraceContext()?.span ?? undefined;
}

/**
 * A workflow event for the current span (`retry` and the like). Sent only when event emission
 * is on and the trace is sampled; returns whether an event was queued.
 */
export function emitEvent(type: string, options?: EmitEventOptions): boolean {
  try {
    const current = currentTraceContext()?.span;
    if (!current || !current.sampled || !current.sink.tracing.emitEvents) return false;
    return emitUserEvent(current, type, options);
  } catch {
    return false;
  }
}

/** The span API as a class; the Nest module provides one bound to the app's client. */
export class TeracronTracer {
  constructor(private readonly sink?: TraceSink) {}

  startSpan(workflow: string, options: StartSpanOptions = {}): SpanHandle {
    return startSpanIn(workflow, this.withSink(options));
  }

  runInSpan<T>(span: SpanHandle, fn: () => T): T {
    return runInSpan(span, fn);
  }

  span<T>(workflow: string, fn: (span: SpanHandle) => T): T;
  span<T>(workflow: string, options: StartSpanOptions, fn: (span: SpanHandle) => T): T;
  span<T>(workflow: string, optionsOrFn: StartSpanOptions | ((span: SpanHandle) => T), maybeFn?: (span: SpanHandle) => T): T {
    const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn!;
    return span(workflow, this.withSink(typeof optionsOrFn === 'function' ? {} : optionsOrFn), fn);
  }

  currentSpan(): SpanHandle | undefined {
    return currentSpan();
  }

  emitEvent(type: string, options?: EmitEventOptions): boolean {
    return emitEvent(type, options);
  }

  private withSink(options: StartSpanOptions): StartSpanOptions {
    return this.sink === undefined || options.sink !== undefined ? options : { ...options, sink: this.sink };
  }
}

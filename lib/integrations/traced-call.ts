/**
 * Runs one call of a scheduled method or event listener as a span of the app that owns it: a child
 * of the current span if there is one, else a root. Errors are recorded and re-thrown untouched;
 * a returned promise keeps its outcome (the span ends when it settles).
 */
import type { TraceSink } from '../core/trace-sink';
import type { FlatRecord } from '../core/types';
import { span } from '../tracing/tracer';

export interface TracedCallSettings {
  workflow: string;
  /** The app's client; undefined lets the tracer pick the newest running one. */
  sink: TraceSink | undefined;
}

export function runTracedCall<T>(settings: TracedCallSettings, call: { operation: string; metadata?: FlatRecord }, fn: () => T): T {
  return span(settings.workflow, { operation: call.operation, sink: settings.sink, metadata: call.metadata }, fn);
}

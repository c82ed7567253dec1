/**
 * Workflow events of PROTOCOL.md §4.3: workflow_* for roots, step_* for children (a span that
 * continues a remote trace is a child), and user events such as `retry`. Only for sampled traces
 * whose client has event emission on.
 */
import type { TraceSink } from '../core/trace-sink';
import type { EventSeverity, SpanStatus, WorkflowEventRecord, WorkflowEventType } from '../core/types';
import { cutText, errorFieldsOf, EVENT_ERROR_MESSAGE_MAX, OPERATION_MAX, WORKFLOW_MAX, type ErrorFields } from './sanitize';
import { scrubbedError, scrubbedEventMetadata } from './scrub';

const EVENT_TYPES: ReadonlySet<string> = new Set<WorkflowEventType>(['workflow_started', 'workflow_completed', 'workflow_failed', 'step_started', 'step_completed', 'step_failed', 'retry']);
const SEVERITIES: ReadonlySet<string> = new Set<EventSeverity>(['info', 'warning', 'error', 'critical']);

interface EventSource {
  readonly sink: TraceSink;
  readonly traceId: string;
  readonly spanId: string;
  readonly workflow: string;
  readonly operation: string;
  readonly isRoot: boolean;
}

export interface EmitEventOptions {
  severity?: EventSeverity;
  metadata?: Record<string, unknown>;
  error?: unknown;
  errorType?: string;
  errorMessage?: string;
}

function baseEvent(source: EventSource, type: WorkflowEventType, severity: EventSeverity): WorkflowEventRecord {
  return {
    type,
    workflow: cutText(source.workflow, WORKFLOW_MAX),
    trace_id: source.traceId,
    span_id: source.spanId,
    operation: cutText(source.operation, OPERATION_MAX),
    severity,
    timestamp: Date.now(),
  };
}

function addError(event: WorkflowEventRecord, type: string | null | undefined, message: string | null | undefined): void {
  if (typeof message !== 'string' || message === '') return;
  event.error_type = type || 'Unknown';
  event.error_message = cutText(message, EVENT_ERROR_MESSAGE_MAX);
}

function addMetadata(sink: TraceSink, event: WorkflowEventRecord, metadata: Record<string, unknown> | undefined): void {
  const clean = scrubbedEventMetadata(sink, metadata);
  if (clean !== null) event.metadata = clean;
}

export function emitSpanStarted(span: EventSource): void {
  span.sink.enqueueEvent(baseEvent(span, span.isRoot ? 'workflow_started' : 'step_started', 'info'));
}

/** `error`: the span's error fields, already scrubbed. */
export function emitSpanEnded(span: EventSource, status: SpanStatus, durationMs: number, error: ErrorFields | undefined): void {
  const failed = status === 'failed';
  const type: WorkflowEventType = span.isRoot ? (failed ? 'workflow_failed' : 'workflow_completed') : failed ? 'step_failed' : 'step_completed';
  const event = baseEvent(span, type, failed ? 'error' : 'info');
  if (failed && error) addError(event, error.type, error.message);
  event.metadata = { duration_ms: Math.round(durationMs * 100) / 100 };
  span.sink.enqueueEvent(event);
}

/** A user event (`retry` and the like) for a span; an unknown type sends nothing, an unknown severity becomes info. */
export function emitUserEvent(span: EventSource, type: string, options: EmitEventOptions = {}): boolean {
  if (!EVENT_TYPES.has(type)) return false;
  const severity = options.severity !== undefined && SEVERITIES.has(options.severity) ? options.severity : 'info';
  const event = baseEvent(span, type as WorkflowEventType, severity);
  const given = errorOf(options);
  const error = given === undefined ? undefined : scrubbedError(span.sink, given);
  if (error !== undefined) addError(event, error.type, error.message);
  addMetadata(span.sink, event, options.metadata);
  span.sink.enqueueEvent(event);
  return true;
}

/** The event's error: from `error`, else from `errorType` / `errorMessage`; none without a message. */
function errorOf(options: EmitEventOptions): ErrorFields | undefined {
  if (options.error !== undefined) return errorFieldsOf(options.error);
  if (typeof options.errorMessage !== 'string' || options.errorMessage === '') return undefined;
  return { type: typeof options.errorType === 'string' && options.errorType !== '' ? options.errorType : 'Unknown', message: options.errorMessage };
}

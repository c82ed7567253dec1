/**
 * Groups stored spans by trace and summarises each trace for the UI's list:
 * the root's workflow and operation, its status, duration and span count.
 */
import type { SpanRecord, SpanStatus } from '../../core/types';

export interface TraceSummary {
  trace_id: string;
  workflow: string;
  operation: string;
  status: SpanStatus;
  /** The root span's HTTP status (metadata http.status_code), when it has one. */
  status_code: number | null;
  /** Failed spans anywhere in the trace. */
  errors: number;
  started_at: number;
  duration_ms: number;
  span_count: number;
  /** false while the root span (no parent) has not arrived: spans are sent in the order they end. */
  complete: boolean;
  /** When the newest span of the trace was received. */
  received_at: number;
}

export interface TraceGroup {
  spans: SpanRecord[];
  receivedAt: number;
  summary?: TraceSummary;
}

/** The span the trace is shown under: the true root, else the one whose parent is missing, else the earliest. */
export function findRoot(spans: readonly SpanRecord[]): SpanRecord | undefined {
  const ids = new Set(spans.map((s) => s.span_id));
  let orphan: SpanRecord | undefined;
  let earliest: SpanRecord | undefined;
  for (const span of spans) {
    if (span.parent_span_id === null) return span;
    if (!ids.has(span.parent_span_id) && (orphan === undefined || span.started_at < orphan.started_at)) orphan = span;
    if (earliest === undefined || span.started_at < earliest.started_at) earliest = span;
  }
  return orphan ?? earliest;
}

export function summarizeTrace(traceId: string, group: TraceGroup): TraceSummary {
  const root = findRoot(group.spans)!;
  let start = Infinity;
  let end = -Infinity;
  let errors = 0;
  for (const span of group.spans) {
    start = Math.min(start, span.started_at);
    end = Math.max(end, span.started_at + span.duration_ms);
    if (span.status === 'failed') errors++;
  }
  const complete = root.parent_span_id === null;
  return {
    trace_id: traceId,
    workflow: root.workflow,
    operation: root.operation,
    status: root.status,
    status_code: statusCode(root),
    errors,
    started_at: start,
    duration_ms: complete ? root.duration_ms : Math.max(0, end - start),
    span_count: group.spans.length,
    complete,
    received_at: group.receivedAt,
  };
}

/** What the trace list can be narrowed to (all given parts must match). */
export interface TraceFilter {
  workflow?: string;
  /** succeeded: not failed and no 4xx; client_error: a 4xx that did not fail; failed. */
  status?: 'succeeded' | 'client_error' | 'failed';
  /** Case-insensitive, in the root's workflow and operation and the trace id. */
  text?: string;
}

const STATUS_CODE_KEYS = ['http.status_code', 'http.status', 'status_code'];

function statusCode(span: SpanRecord): number | null {
  for (const key of STATUS_CODE_KEYS) {
    const value = span.metadata?.[key];
    const code = typeof value === 'string' ? Number(value) : value;
    if (typeof code === 'number' && Number.isInteger(code) && code >= 100 && code <= 599) return code;
  }
  return null;
}

export function matchesFilter(summary: TraceSummary, filter: TraceFilter): boolean {
  if (filter.workflow !== undefined && summary.workflow !== filter.workflow) return false;
  if (filter.status !== undefined) {
    const clientError = summary.status !== 'failed' && summary.status_code !== null && summary.status_code >= 400 && summary.status_code < 500;
    const outcome = summary.status === 'failed' ? 'failed' : clientError ? 'client_error' : 'succeeded';
    if (outcome !== filter.status) return false;
  }
  if (filter.text !== undefined) {
    const needle = filter.text.toLowerCase();
    if (![summary.workflow, summary.operation, summary.trace_id].some((field) => field.toLowerCase().includes(needle))) return false;
  }
  return true;
}

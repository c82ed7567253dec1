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
    errors,
    started_at: start,
    duration_ms: complete ? root.duration_ms : Math.max(0, end - start),
    span_count: group.spans.length,
    complete,
    received_at: group.receivedAt,
  };
}

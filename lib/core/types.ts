/**
 * Wire-shaped records shared by the core, the tracing engine and the ingest.
 * Keys are snake_case because they are written to JSON as they are (PROTOCOL.md §4).
 */

export type ProjectMode = 'development' | 'production';

export type SpanStatus = 'succeeded' | 'failed';

export type Primitive = string | number | boolean;
export type FlatRecord = Record<string, Primitive>;

export interface SpanRecord {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  workflow: string;
  operation: string;
  status: SpanStatus;
  started_at: number;
  duration_ms: number;
  error_type: string | null;
  error_message: string | null;
  metadata: FlatRecord | null;
  captured_params: FlatRecord | null;
}

export type WorkflowEventType =
  | 'workflow_started'
  | 'workflow_completed'
  | 'workflow_failed'
  | 'step_started'
  | 'step_completed'
  | 'step_failed'
  | 'retry';

export type EventSeverity = 'info' | 'warning' | 'error' | 'critical';

export interface WorkflowEventRecord {
  type: WorkflowEventType;
  workflow: string;
  trace_id: string;
  span_id: string;
  operation: string;
  severity: EventSeverity;
  timestamp: number;
  error_type?: string;
  error_message?: string;
  metadata?: FlatRecord;
}

/**
 * One sample of a process. Unknown values use -1 (CPU on the first sample,
 * fields a remote pid cannot report), as in the reference's snapshot.
 */
export interface MetricsSnapshot {
  timestamp: number;
  heap_total: number;
  heap_used: number;
  rss: number;
  external: number;
  array_buffers: number;
  /** Ratio of one core, 0..1 (may exceed 1 on several cores; capped when encoded). -1 = unknown. */
  cpu_usage: number;
  /** Milliseconds. -1 = unknown. */
  event_loop_lag_ms: number;
}

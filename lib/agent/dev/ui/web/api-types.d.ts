/** What the local Teracron's JSON API and live stream send (lib/agent/dev/dev-api.ts), as the page reads it. */
export type SpanStatus = 'started' | 'succeeded' | 'failed';
export type FlatRecord = Record<string, string | number | boolean>;

export interface Span {
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

export interface TraceSummary {
  trace_id: string;
  workflow: string;
  operation: string;
  status: SpanStatus;
  /** The root span's HTTP status, when it has one. */
  status_code: number | null;
  errors: number;
  started_at: number;
  duration_ms: number;
  span_count: number;
  complete: boolean;
}

export interface TraceDetail {
  summary: TraceSummary;
  spans: Span[];
}

export interface WorkflowEvent {
  type: string;
  workflow: string;
  trace_id: string;
  span_id: string;
  operation: string;
  severity: string;
  timestamp: number;
  error_type?: string;
  error_message?: string;
  metadata?: FlatRecord;
}

export interface MetricsPoint {
  timestamp: number;
  rss: number;
  heap_total: number;
  heap_used: number;
  external: number;
  array_buffers: number;
  cpu_pct: number;
  event_loop_lag_ms: number;
  /** Which process sent it; one series each. */
  process?: string;
}

export interface Summary {
  slug: string;
  mode: string;
  domain: string;
  counts: { traces: number; spans: number; events: number; metrics: number };
  /** Requests the stored traces stand for: Σ 1 / sample_rate over their roots. */
  requests_estimate: number;
  workflows: string[];
}

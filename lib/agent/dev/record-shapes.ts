/**
 * The shapes the store's readers rely on, checked on every record read back from disk: a line
 * that is valid JSON but not such a record (hand-edited, from another version, damaged) is skipped
 * rather than allowed to break the trace index or the UI.
 */
import type { SpanRecord, WorkflowEventRecord } from '../../core/types';
import type { MetricsPoint } from './metrics-point';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isNonEmptyText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isNullableText = (value: unknown) => value === null || typeof value === 'string';
const isNullableRecord = (value: unknown) => value === null || isObject(value);

export function isSpanRecord(value: unknown): value is SpanRecord {
  return (
    isObject(value) &&
    isNonEmptyText(value.trace_id) &&
    isNonEmptyText(value.span_id) &&
    isNullableText(value.parent_span_id) &&
    typeof value.workflow === 'string' &&
    typeof value.operation === 'string' &&
    (value.status === 'started' || value.status === 'succeeded' || value.status === 'failed') &&
    isFiniteNumber(value.started_at) &&
    isFiniteNumber(value.duration_ms) &&
    isNullableText(value.error_type) &&
    isNullableText(value.error_message) &&
    isNullableRecord(value.metadata) &&
    isNullableRecord(value.captured_params)
  );
}

export function isEventRecord(value: unknown): value is WorkflowEventRecord {
  return (
    isObject(value) &&
    typeof value.type === 'string' &&
    typeof value.workflow === 'string' &&
    isNonEmptyText(value.trace_id) &&
    typeof value.span_id === 'string' &&
    typeof value.operation === 'string' &&
    typeof value.severity === 'string' &&
    isFiniteNumber(value.timestamp) &&
    (value.metadata === undefined || isObject(value.metadata))
  );
}

const METRIC_FIELDS = ['timestamp', 'rss', 'heap_total', 'heap_used', 'external', 'array_buffers', 'cpu_pct', 'event_loop_lag_ms'] as const;

export function isMetricsPoint(value: unknown): value is MetricsPoint {
  return isObject(value) && METRIC_FIELDS.every((field) => isFiniteNumber(value[field])) && (value.process === undefined || typeof value.process === 'string');
}

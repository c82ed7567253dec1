/**
 * The server's per-item rules (PROTOCOL.md §6). An item that fails is dropped and counted,
 * the rest of its batch is kept. Lengths are UTF-16 units, as a JavaScript server measures them.
 */
import type { FlatRecord, SpanRecord, WorkflowEventRecord } from '../core/types';

const HEX_ID = /^[0-9a-fA-F]{1,64}$/;
const SPAN_STATUSES = new Set(['started', 'succeeded', 'failed']);
const EVENT_TYPES = new Set(['workflow_started', 'workflow_completed', 'workflow_failed', 'step_started', 'step_completed', 'step_failed', 'retry']);
const SEVERITIES = new Set(['info', 'warning', 'error', 'critical']);
const PAST_WINDOW_MS = 10 * 60_000;
const FUTURE_WINDOW_MS = 30_000;
const MAX_DURATION_MS = 86_400_000;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown, max: number, allowEmpty = false): value is string {
  return typeof value === 'string' && (allowEmpty || value.length > 0) && value.length <= max;
}

function isNullableText(value: unknown, max: number): boolean {
  return value === null || value === undefined || isText(value, max, true);
}

function inTimeWindow(value: unknown, now: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value <= now + FUTURE_WINDOW_MS && value >= now - PAST_WINDOW_MS;
}

function isFlatRecord(value: unknown, maxKeys: number, maxString: number): value is FlatRecord {
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  if (keys.length > maxKeys) return false;
  for (const key of keys) {
    if (key.length === 0 || key.length > 128) return false;
    const item = value[key];
    if (typeof item === 'string') {
      if (item.length > maxString) return false;
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) return false;
    } else if (typeof item !== 'boolean') {
      return false;
    }
  }
  return true;
}

export function validateSpan(value: unknown, now: number): SpanRecord | null {
  if (!isObject(value)) return null;
  const s = value;
  const ok =
    typeof s.trace_id === 'string' && HEX_ID.test(s.trace_id) &&
    typeof s.span_id === 'string' && HEX_ID.test(s.span_id) &&
    (s.parent_span_id === null || s.parent_span_id === undefined || (typeof s.parent_span_id === 'string' && HEX_ID.test(s.parent_span_id))) &&
    isText(s.workflow, 128) &&
    isText(s.operation, 256) &&
    typeof s.status === 'string' && SPAN_STATUSES.has(s.status) &&
    inTimeWindow(s.started_at, now) &&
    typeof s.duration_ms === 'number' && s.duration_ms >= 0 && s.duration_ms <= MAX_DURATION_MS &&
    isNullableText(s.error_type, 256) &&
    isNullableText(s.error_message, 1024) &&
    (s.metadata === null || s.metadata === undefined || isFlatRecord(s.metadata, 32, 1024)) &&
    (s.captured_params === null || s.captured_params === undefined || isFlatRecord(s.captured_params, 32, 512));
  if (!ok) return null;
  return {
    trace_id: s.trace_id as string,
    span_id: s.span_id as string,
    parent_span_id: (s.parent_span_id as string | null | undefined) ?? null,
    workflow: s.workflow as string,
    operation: s.operation as string,
    status: s.status as SpanRecord['status'],
    started_at: s.started_at as number,
    duration_ms: s.duration_ms as number,
    error_type: (s.error_type as string | null | undefined) ?? null,
    error_message: (s.error_message as string | null | undefined) ?? null,
    metadata: (s.metadata as FlatRecord | null | undefined) ?? null,
    captured_params: (s.captured_params as FlatRecord | null | undefined) ?? null,
  };
}

export function validateEvent(value: unknown, now: number): WorkflowEventRecord | null {
  if (!isObject(value)) return null;
  const e = value;
  const ok =
    typeof e.type === 'string' && EVENT_TYPES.has(e.type) &&
    typeof e.severity === 'string' && SEVERITIES.has(e.severity) &&
    isText(e.workflow, 128) &&
    isText(e.operation, 256, true) &&
    typeof e.trace_id === 'string' && HEX_ID.test(e.trace_id) &&
    typeof e.span_id === 'string' && HEX_ID.test(e.span_id) &&
    inTimeWindow(e.timestamp, now) &&
    isNullableText(e.error_type, 256) &&
    isNullableText(e.error_message, 512) &&
    (e.metadata === undefined || e.metadata === null || isFlatRecord(e.metadata, 16, 1024));
  if (!ok) return null;
  const event: WorkflowEventRecord = {
    type: e.type as WorkflowEventRecord['type'],
    workflow: e.workflow as string,
    trace_id: e.trace_id as string,
    span_id: e.span_id as string,
    operation: e.operation as string,
    severity: e.severity as WorkflowEventRecord['severity'],
    timestamp: e.timestamp as number,
  };
  if (typeof e.error_type === 'string') event.error_type = e.error_type;
  if (typeof e.error_message === 'string') event.error_message = e.error_message;
  if (isObject(e.metadata)) event.metadata = e.metadata as FlatRecord;
  return event;
}

/**
 * Decrypted payload → accepted items and a count of dropped ones. A payload that does not
 * parse, or names another project or type, fails the whole request (400).
 */
import { decodeMetricsBatch, type DecodedMetricsBatch, type DecodedMetricsEntry } from '../core/encoding/metrics-protobuf';
import type { SpanRecord, WorkflowEventRecord } from '../core/types';
import type { IngestKind } from './ingest-routes';
import { MAX_SPANS_PER_REQUEST } from '../core/ingest-contract';
import { validateEvent, validateSpan } from './item-validation';

export class PayloadError extends Error {
  constructor(
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
  }
}

export type ParsedPayload =
  | { kind: 'traces'; items: SpanRecord[]; dropped: number }
  | { kind: 'events'; items: WorkflowEventRecord[]; dropped: number }
  | { kind: 'metrics'; items: DecodedMetricsEntry[]; dropped: number; batch: Omit<DecodedMetricsBatch, 'entries'> };

export function parsePayload(kind: IngestKind, plaintext: Buffer, slug: string, now: number): ParsedPayload {
  if (kind === 'metrics') return parseMetrics(plaintext);
  let json: unknown;
  try {
    json = JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw new PayloadError('payload is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new PayloadError('payload must be a JSON object');
  const body = json as Record<string, unknown>;
  if (body.project_slug !== slug) throw new PayloadError('project_slug does not match X-Project-Slug');
  if (kind === 'traces') {
    if (body.type !== 'trace' || !Array.isArray(body.spans)) throw new PayloadError('expected {"type":"trace","spans":[…]}');
    if (body.spans.length > MAX_SPANS_PER_REQUEST) throw new PayloadError(`at most ${MAX_SPANS_PER_REQUEST} spans per batch`, 413);
    return collect('traces', body.spans, (item) => validateSpan(item, now));
  }
  if ((body.type !== 'event' && body.type !== 'events') || !Array.isArray(body.events)) throw new PayloadError('expected {"type":"event","events":[…]}');
  return collect('events', body.events, (item) => validateEvent(item, now));
}

function collect<K extends 'traces' | 'events', T>(kind: K, raw: unknown[], validate: (item: unknown) => T | null) {
  const items: T[] = [];
  for (const item of raw) {
    const valid = validate(item);
    if (valid) items.push(valid);
  }
  return { kind, items, dropped: raw.length - items.length } as unknown as ParsedPayload;
}

function parseMetrics(plaintext: Buffer): ParsedPayload {
  let decoded: DecodedMetricsBatch;
  try {
    decoded = decodeMetricsBatch(plaintext);
  } catch {
    throw new PayloadError('payload is not a MetricsBatch protobuf');
  }
  const items = decoded.entries.filter((entry) => entry.timestamp > 0);
  return {
    kind: 'metrics',
    items,
    dropped: decoded.entries.length - items.length,
    batch: { sdk_version: decoded.sdk_version, runtime_version: decoded.runtime_version },
  };
}

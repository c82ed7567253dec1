/**
 * How each kind becomes request bodies that respect the route caps of PROTOCOL.md §5: the size
 * of every item is measured once, a request holds as many items as fit under the cap (counting
 * the envelope's 540 bytes), and an item too big on its own is reported so it can be dropped.
 */
import { ENVELOPE_OVERHEAD } from '../crypto/envelope';
import { INGEST_CONTRACT, MAX_SPANS_PER_REQUEST } from '../ingest-contract';
import type { MetricsSnapshot, SpanRecord, WorkflowEventRecord } from '../types';
import { encodeMetricsBatch, encodeMetricsEntry, metricsBatchTrailerSize, type MetricsBatchVersions } from './metrics-protobuf';

const TRACE_BODY_CAP = INGEST_CONTRACT.traces.maxBytes;
const EVENT_BODY_CAP = INGEST_CONTRACT.events.maxBytes;
const METRICS_BODY_CAP = INGEST_CONTRACT.metrics.maxBytes;
export const MAX_EVENTS_PER_REQUEST = 200;
export const MAX_METRICS_PER_REQUEST = 1_000;

/** An item waiting in a queue; `encoded` and `bytes` are filled the first time it is measured. */
export interface Queued<T> {
  item: T;
  encoded?: string | number[];
  bytes: number;
}

export interface BatchEncoder<T> {
  readonly maxItems: number;
  /** Bytes of a request body with no items, envelope included. */
  readonly fixedBytes: number;
  readonly bodyCap: number;
  /** Bytes added per item beyond its own (a comma in JSON). */
  readonly separatorBytes: number;
  /** Fills `encoded` and `bytes`; false when the item cannot be encoded at all. */
  measure(entry: Queued<T>): boolean;
  encode(entries: readonly Queued<T>[]): Buffer;
}

/** How many entries from the front fit in one request (0: the first is too big on its own). */
export function countFitting<T>(encoder: BatchEncoder<T>, peek: (index: number) => Queued<T> | undefined, available: number): number {
  let total = encoder.fixedBytes;
  let count = 0;
  while (count < available && count < encoder.maxItems) {
    const entry = peek(count)!;
    const added = entry.bytes + (count === 0 ? 0 : encoder.separatorBytes);
    if (total + added > encoder.bodyCap) break;
    total += added;
    count++;
  }
  return count;
}

class JsonBatchEncoder<T> implements BatchEncoder<T> {
  readonly fixedBytes: number;
  readonly separatorBytes = 1;
  private readonly prefix: string;
  private readonly suffix = ']}';

  constructor(type: 'trace' | 'event', listKey: 'spans' | 'events', slug: string, readonly maxItems: number, readonly bodyCap: number) {
    this.prefix = `{"type":${JSON.stringify(type)},"project_slug":${JSON.stringify(slug)},${JSON.stringify(listKey)}:[`;
    this.fixedBytes = ENVELOPE_OVERHEAD + Buffer.byteLength(this.prefix) + this.suffix.length;
  }

  measure(entry: Queued<T>): boolean {
    let json: string | undefined;
    try {
      json = JSON.stringify(entry.item);
    } catch {
      return false;
    }
    if (json === undefined) return false;
    entry.encoded = json;
    entry.bytes = Buffer.byteLength(json);
    return true;
  }

  encode(entries: readonly Queued<T>[]): Buffer {
    let body = this.prefix;
    for (let i = 0; i < entries.length; i++) body += (i === 0 ? '' : ',') + (entries[i]!.encoded as string);
    return Buffer.from(body + this.suffix, 'utf8');
  }
}

export function traceBatchEncoder(slug: string): BatchEncoder<SpanRecord> {
  return new JsonBatchEncoder<SpanRecord>('trace', 'spans', slug, MAX_SPANS_PER_REQUEST, TRACE_BODY_CAP);
}

export function eventBatchEncoder(slug: string): BatchEncoder<WorkflowEventRecord> {
  return new JsonBatchEncoder<WorkflowEventRecord>('event', 'events', slug, MAX_EVENTS_PER_REQUEST, EVENT_BODY_CAP);
}

export function metricsBatchEncoder(versions: MetricsBatchVersions): BatchEncoder<MetricsSnapshot> {
  return {
    maxItems: MAX_METRICS_PER_REQUEST,
    fixedBytes: ENVELOPE_OVERHEAD + metricsBatchTrailerSize(versions),
    bodyCap: METRICS_BODY_CAP,
    separatorBytes: 0,
    measure(entry) {
      const bytes = encodeMetricsEntry(entry.item);
      // Field 1 tag, a length varint (entries are < 128 bytes, so one byte) and the entry.
      entry.bytes = 2 + bytes.length;
      return true;
    },
    encode(entries) {
      return encodeMetricsBatch(
        entries.map((entry) => entry.item),
        versions,
      );
    },
  };
}

/**
 * How each kind becomes request bodies that respect the route caps of PROTOCOL.md §5: the size
 * of every item is measured once, a request holds as many items as fit under the cap (counting
 * the envelope's 540 bytes), and an item too big on its own is reported so it can be dropped.
 */
import { ENVELOPE_OVERHEAD } from '../crypto/envelope';
import { INGEST_CONTRACT, MAX_SPANS_PER_REQUEST } from '../ingest-contract';
import type { MetricsSnapshot, SpanRecord, WorkflowEventRecord } from '../types';
import { encodeMetricsBatch, encodeMetricsEntry, metricsBatchTrailerSize, type MetricsBatchVersions } from './metrics-protobuf';

const utf8 = new TextEncoder();
const COMMA = 0x2c;
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
  /** Items of its group queued after it (the spans of one trace, core/export/queued-groups.ts); 0 or absent: it ends its group. */
  groupLeft?: number;
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

/**
 * Bytes of `text` in UTF-8, counted by writing it into `scratch` when the worst case fits (a UTF-16
 * code unit takes at most 3 bytes): faster than `Buffer.byteLength` on Node 20.
 */
export function utf8ByteLength(text: string, scratch: Uint8Array): number {
  return text.length * 3 <= scratch.length ? utf8.encodeInto(text, scratch).written : Buffer.byteLength(text);
}

/**
 * Spans reach the body as UTF-8 through one buffer per encoder, sized to the route cap and reused:
 * allocating a fresh 50–130 kB body per flush (and the page faults of a growing heap) cost nearly
 * as much CPU as the JSON itself (bench/export-bench.ts measures it).
 */
class JsonBatchEncoder<T> implements BatchEncoder<T> {
  readonly fixedBytes: number;
  readonly separatorBytes = 1;
  private readonly prefix: Buffer;
  private readonly suffix = Buffer.from(']}');
  private scratch: Buffer | undefined;

  constructor(type: 'trace' | 'event', listKey: 'spans' | 'events', slug: string, readonly maxItems: number, readonly bodyCap: number) {
    this.prefix = Buffer.from(`{"type":${JSON.stringify(type)},"project_slug":${JSON.stringify(slug)},${JSON.stringify(listKey)}:[`);
    this.fixedBytes = ENVELOPE_OVERHEAD + this.prefix.length + this.suffix.length;
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
    entry.bytes = utf8ByteLength(json, this.scratchBuffer());
    return true;
  }

  /** The body of measured entries, valid until the next call: the export lane encrypts it at once. */
  encode(entries: readonly Queued<T>[]): Buffer {
    let size = this.prefix.length + this.suffix.length + Math.max(0, entries.length - 1);
    for (const entry of entries) size += entry.bytes;
    const scratch = this.scratchBuffer();
    const body = size <= scratch.length ? scratch : Buffer.allocUnsafe(size);
    let offset = this.prefix.copy(body, 0);
    for (let i = 0; i < entries.length; i++) {
      if (i > 0) body[offset++] = COMMA;
      offset += utf8.encodeInto(entries[i]!.encoded as string, body.subarray(offset)).written;
    }
    offset += this.suffix.copy(body, offset);
    return body.subarray(0, offset);
  }

  private scratchBuffer(): Buffer {
    return (this.scratch ??= Buffer.allocUnsafe(this.bodyCap));
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

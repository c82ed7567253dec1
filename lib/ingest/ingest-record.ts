/** What the ingest accepted, kept in memory and bounded (oldest dropped first). */
import type { DecodedMetricsEntry } from '../core/encoding/metrics-protobuf';
import type { ProjectMode, SpanRecord, WorkflowEventRecord } from '../core/types';
import type { IngestKind } from './ingest-routes';

export interface IngestRequestRecord {
  route: IngestKind | 'unknown';
  path: string;
  status: number;
  bytes: number;
  slug: string | undefined;
  mode: ProjectMode | undefined;
  userAgent: string | undefined;
  receivedAt: number;
  accepted: number;
  dropped: number;
  /** Items in the request before validation (spans, events or metrics entries). */
  items: number;
  /** Whether the request carried X-Teracron-Trace (export requests never should). */
  traceHeader: boolean;
}

export type MetricsRecord = DecodedMetricsEntry & { slug: string; sdk_version: string; runtime_version: string };

class BoundedList<T> {
  items: T[] = [];
  constructor(private readonly max: number) {}
  push(values: readonly T[]): void {
    if (this.max <= 0) return;
    for (const value of values) this.items.push(value);
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
  }
}

export class IngestRecord {
  readonly spans: BoundedList<SpanRecord>;
  readonly events: BoundedList<WorkflowEventRecord>;
  readonly metrics: BoundedList<MetricsRecord>;
  readonly requests: BoundedList<IngestRequestRecord>;

  constructor(maxRecords: number) {
    this.spans = new BoundedList(maxRecords);
    this.events = new BoundedList(maxRecords);
    this.metrics = new BoundedList(maxRecords);
    this.requests = new BoundedList(Math.max(maxRecords, 1000));
  }

  clear(): void {
    this.spans.items = [];
    this.events.items = [];
    this.metrics.items = [];
    this.requests.items = [];
  }
}

/**
 * The three ingest routes of PROTOCOL.md §5, in one place for both sides: the client's transport
 * and batching, and our ingest server.
 */
export type ExportKind = 'metrics' | 'traces' | 'events';

export interface IngestRouteContract {
  path: string;
  /** Largest accepted body (the envelope), in bytes. */
  maxBytes: number;
  /** Requests per slug per minute. */
  perMinute: number;
}

export const INGEST_CONTRACT: Record<ExportKind, IngestRouteContract> = {
  metrics: { path: '/api/ingest', maxBytes: 65_536, perMinute: 60 },
  traces: { path: '/api/v1/traces', maxBytes: 131_072, perMinute: 30 },
  events: { path: '/api/v1/events', maxBytes: 65_536, perMinute: 30 },
};

export const MAX_SPANS_PER_REQUEST = 100;

/** The three ingest routes of PROTOCOL.md §5 with their caps and per-slug rate limits. */

export type IngestKind = 'metrics' | 'traces' | 'events';

export interface IngestRoute {
  kind: IngestKind;
  path: string;
  maxBytes: number;
  /** Requests per slug per minute. */
  defaultRateLimit: number;
}

export const MAX_SPANS_PER_BATCH = 100;

export const INGEST_ROUTES: readonly IngestRoute[] = [
  { kind: 'metrics', path: '/api/ingest', maxBytes: 65_536, defaultRateLimit: 60 },
  { kind: 'traces', path: '/api/v1/traces', maxBytes: 131_072, defaultRateLimit: 30 },
  { kind: 'events', path: '/api/v1/events', maxBytes: 65_536, defaultRateLimit: 30 },
];

const BY_PATH = new Map(INGEST_ROUTES.map((route) => [route.path, route]));

export function routeForPath(path: string): IngestRoute | undefined {
  return BY_PATH.get(path);
}

export function routeForKind(kind: IngestKind): IngestRoute {
  return INGEST_ROUTES.find((route) => route.kind === kind)!;
}

/** The three ingest routes of PROTOCOL.md §5 (the shared contract), looked up by path. */
import { INGEST_CONTRACT, type ExportKind } from '../core/ingest-contract';

export type IngestKind = ExportKind;

export interface IngestRoute {
  kind: IngestKind;
  path: string;
  maxBytes: number;
  /** Requests per slug per minute. */
  defaultRateLimit: number;
}

export const INGEST_ROUTES: readonly IngestRoute[] = (Object.keys(INGEST_CONTRACT) as IngestKind[]).map((kind) => ({
  kind,
  path: INGEST_CONTRACT[kind].path,
  maxBytes: INGEST_CONTRACT[kind].maxBytes,
  defaultRateLimit: INGEST_CONTRACT[kind].perMinute,
}));

/** Where the published Python wheel 0.6.1 posts traces and events (PROTOCOL.md §5, §9.11). */
export const LEGACY_PATHS: Readonly<Record<string, IngestKind>> = { '/v1/traces': 'traces', '/v1/events': 'events' };

const BY_PATH = new Map(INGEST_ROUTES.map((route) => [route.path, route]));
const BY_LEGACY_PATH = new Map(Object.entries(LEGACY_PATHS).map(([path, kind]) => [path, { ...BY_PATH.get(INGEST_CONTRACT[kind].path)!, path }]));

export function routeForPath(path: string, legacyPaths = false): IngestRoute | undefined {
  return BY_PATH.get(path) ?? (legacyPaths ? BY_LEGACY_PATH.get(path) : undefined);
}

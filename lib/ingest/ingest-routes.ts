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

const BY_PATH = new Map(INGEST_ROUTES.map((route) => [route.path, route]));

export function routeForPath(path: string): IngestRoute | undefined {
  return BY_PATH.get(path);
}

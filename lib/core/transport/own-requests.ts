/**
 * The origins our transport posts to, so outbound trace propagation can leave our own
 * export requests alone (they must never carry a trace header or become spans).
 */
import { INGEST_CONTRACT } from '../ingest-contract';

const INGEST_PATHS = new Set(Object.values(INGEST_CONTRACT).map((route) => route.path));
const ownOrigins = new Map<string, number>();

export function registerOwnOrigin(origin: string): void {
  ownOrigins.set(origin, (ownOrigins.get(origin) ?? 0) + 1);
}

export function unregisterOwnOrigin(origin: string): void {
  const count = ownOrigins.get(origin) ?? 0;
  if (count <= 1) ownOrigins.delete(origin);
  else ownOrigins.set(origin, count - 1);
}

/** True for a request that one of our clients sends to its ingest. */
export function isTeracronTransportRequest(origin: string, path: string): boolean {
  if (ownOrigins.size === 0) return false;
  return ownOrigins.has(origin.replace(/\/$/, '')) && INGEST_PATHS.has(path.split('?')[0] ?? path);
}

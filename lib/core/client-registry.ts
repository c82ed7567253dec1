/**
 * The client registry: the process's one record of which clients run, and the only
 * module-level state every app shares. It answers three questions: which client records work
 * that starts outside any traced context (the newest running one), which client owns a call of
 * a method wrapped on a shared prototype (the newest running client that claimed its class), and
 * whether an outbound request is one of our own exports. A client's own `start()` adds it and its
 * `stop()` removes it, with its claims; nothing else resets it. Several clients may run at once
 * (several Nest apps in one test process).
 */
import { INGEST_CONTRACT } from './ingest-contract';
import type { TraceSink } from './trace-sink';

/** Who records the calls of a claimed class, and under which workflow. */
export interface ClassOwner {
  readonly sink: TraceSink;
  readonly workflow: string;
}

interface RunningClient {
  readonly sink: TraceSink;
  /** kind of wrapper ('schedule', 'event-listener', 'message-handler') → prototype → workflow. */
  readonly claims: Map<string, Map<object, string>>;
}

const running: RunningClient[] = [];
/** Origins our export requests go to, counted per client: a client stops tracing before its final flush. */
const exportOrigins = new Map<string, number>();
const INGEST_PATHS = new Set(Object.values(INGEST_CONTRACT).map((route) => route.path));

/** Called by a client's start(). */
export function registerRunningClient(sink: TraceSink, exportOrigin?: string): void {
  if (running.some((entry) => entry.sink === sink)) return;
  running.push({ sink, claims: new Map() });
  if (exportOrigin !== undefined) exportOrigins.set(exportOrigin, (exportOrigins.get(exportOrigin) ?? 0) + 1);
}

/** Called by a client's stop(): it records nothing more and owns no class. */
export function unregisterRunningClient(sink: TraceSink): void {
  const index = running.findIndex((entry) => entry.sink === sink);
  if (index >= 0) running.splice(index, 1);
}

/** Called once a stopped client's final flush is over: its requests are no longer ours to recognise. */
export function releaseExportOrigin(exportOrigin: string): void {
  const count = exportOrigins.get(exportOrigin) ?? 0;
  if (count <= 1) exportOrigins.delete(exportOrigin);
  else exportOrigins.set(exportOrigin, count - 1);
}

/** The client for work that starts outside any traced context; undefined when none runs. */
export function newestRunningClient(): TraceSink | undefined {
  return running.length === 0 ? undefined : running[running.length - 1]!.sink;
}

/**
 * `sink` owns the calls of these classes' wrapped methods of `kind` until it stops. A client
 * that does not run claims nothing (an app without an API key leaves its methods as written).
 */
export function claimClasses(sink: TraceSink, kind: string, prototypes: Iterable<object>, workflow: string): void {
  const entry = running.find((candidate) => candidate.sink === sink);
  if (entry === undefined) return;
  let claimed = entry.claims.get(kind);
  if (claimed === undefined) entry.claims.set(kind, (claimed = new Map()));
  for (const prototype of prototypes) claimed.set(prototype, workflow);
}

/** The newest running client that claimed the class of `instance` for `kind`. */
export function ownerOfCall(kind: string, instance: unknown): ClassOwner | undefined {
  if (running.length === 0 || instance === null || (typeof instance !== 'object' && typeof instance !== 'function')) return undefined;
  const prototype = Object.getPrototypeOf(instance) as object | null;
  if (prototype === null) return undefined;
  for (let i = running.length - 1; i >= 0; i--) {
    const entry = running[i]!;
    const workflow = entry.claims.get(kind)?.get(prototype);
    if (workflow !== undefined) return { sink: entry.sink, workflow };
  }
  return undefined;
}

/** True for a request that one of our clients sends to its ingest (never traced, never given a header). */
export function isOwnExportRequest(origin: string, path: string): boolean {
  if (exportOrigins.size === 0) return false;
  return exportOrigins.has(origin.replace(/\/$/, '')) && INGEST_PATHS.has(path.split('?')[0] ?? path);
}

/**
 * Teracron without Nest: `startTeracron(options)` runs one client for the whole process (a plain
 * node:http server, a worker script, a CLI), and `stopTeracron()` stops it with the final flush.
 * Both are idempotent: a second start returns the running client, a second stop (or a stop
 * without a start) does nothing. One client per process is the point of the pair, hence the
 * module-level slot; it is reset only by stopTeracron.
 *
 * While it runs: @Trace and the span API record into it, outbound requests carry the trace header
 * (as in a Nest app), and every node:http(s) server of the process gets a root span per request
 * that continues an inbound X-Teracron-Trace. A script that simply ends is flushed too
 * ('beforeExit'); a process that exits on a signal should call stopTeracron() first.
 */
import { TeracronClient } from '../core/client';
import type { TeracronOptions } from '../core/config/options';
import { HttpRequestSpans } from '../http/http-request-spans';
import { enableOutboundPropagation, type PropagationFormat } from '../http/outbound-propagation';
import type { ExcludedRoute } from '../http/route-exclusion';
// The options' validation is the module's, so both entry points refuse the same mistakes.
import { resolveNestLayerOptions } from '../nest/teracron-module-options';

export interface StartTeracronOptions extends TeracronOptions {
  /** Open a root span per request on every node:http(s) server of this process. Default true. */
  traceHttpServers?: boolean;
  /** Workflow of those request spans. Default `'http'`. */
  workflow?: string;
  /** Requests not traced, by path (`'/health'`), RegExp, or `{ method, path }`. Default none. */
  exclude?: ExcludedRoute[];
  /** Hosts outbound requests may carry the trace headers to. Default: all hosts. */
  propagateTo?: Array<string | RegExp>;
  /** Trace headers outbound requests carry: `'teracron'`, `'w3c'`. Default `['teracron']`. */
  propagation?: PropagationFormat[];
  /** A child span per outbound HTTP request inside a sampled trace. Default true. */
  clientSpans?: boolean;
}

export const STANDALONE_MISSING_API_KEY_WARNING =
  'Teracron telemetry is off: no API key. Set TERACRON_API_KEY or startTeracron({ apiKey }) — run `npx teracron-agent dev` for a local development key.';

interface Running {
  client: TeracronClient;
  stop(deadlineMs: number | undefined): Promise<void>;
}

let running: Running | undefined;
let stopping: Promise<void> | undefined;

/** Starts the process's client, or returns the one already running (its options stay as they were). */
export function startTeracron(options: StartTeracronOptions = {}): TeracronClient {
  if (running !== undefined) return running.client;
  const { traceHttpServers = true, workflow, exclude, propagateTo, propagation, clientSpans, ...core } = options;
  const layer = resolveNestLayerOptions({ workflow, exclude, propagateTo, propagation, clientSpans });
  const client = new TeracronClient(core);
  const disposers: Array<() => void> = [];
  if (client.enabled) {
    client.start();
    disposers.push(enableOutboundPropagation({ propagateTo: layer.propagateTo, propagation: layer.propagation, clientSpans: layer.clientSpans.http, sink: client }));
    if (traceHttpServers && client.tracing.enabled) {
      const requestSpans = new HttpRequestSpans({ workflow: layer.workflow, exclude: layer.exclude });
      requestSpans.attachToEveryServer(client);
      disposers.push(() => requestSpans.detach());
    }
  } else {
    client.config.logger.warn(STANDALONE_MISSING_API_KEY_WARNING);
  }
  const flushAtExit = (): void => void stopTeracron();
  process.once('beforeExit', flushAtExit);
  running = {
    client,
    stop: (deadlineMs) => {
      process.removeListener('beforeExit', flushAtExit);
      for (const dispose of disposers) dispose();
      return client.stop(deadlineMs);
    },
  };
  return client;
}

/**
 * Stops the client with a final flush, bounded by `deadlineMs` (default 5 s) even when the ingest
 * hangs. Safe to call twice, concurrently, or without a start.
 */
export function stopTeracron(deadlineMs?: number): Promise<void> {
  const current = running;
  if (current === undefined) return stopping ?? Promise.resolve();
  running = undefined;
  const stopped = current.stop(deadlineMs).finally(() => {
    if (stopping === stopped) stopping = undefined;
  });
  stopping = stopped;
  return stopped;
}

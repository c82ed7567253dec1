/**
 * The local Teracron: the ingest contract for a development project of its own (decrypted with
 * its private key), an embedded store of what was accepted, and the UI + JSON API + live stream
 * on the same port. Listens on 127.0.0.1 only. For the Python SDK v0.6.1 it also takes the key
 * whichever mode a client names (or none), the wheel's /v1/traces and /v1/events, and, when asked,
 * HTTPS on a second port.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { silentLogger, type TeracronLogger } from '../../core/logger';
import type { SpanRecord, WorkflowEventRecord } from '../../core/types';
import { encodeApiKey } from '../../core/config/api-key';
import { IngestServer, type AcceptedBatch } from '../../ingest/ingest-server';
import { DEFAULT_DEV_PORT } from '../cli-args';
import { createDevApi } from './dev-api';
import { defaultDevDataDir, loadOrCreateDevProject } from './dev-keys';
import { DevStore } from './dev-store';
import { toMetricsPoint } from './metrics-point';
import { SseHub } from './sse-hub';
import { loadOrCreateDevCertificate } from './dev-tls';
import { loadUiAssets } from './ui/ui-assets';

export interface DevServerOptions {
  /** Port on 127.0.0.1. Default 7415; 0 picks a free port. */
  port?: number;
  /** Keys and stored data. Default ~/.teracron/dev. */
  dataDir?: string;
  logger?: TeracronLogger;
  /** Bound of the stored data on disk. Default 32 MiB. */
  storeMaxBytes?: number;
  /** Age after which stored data is pruned. Default 7 days. */
  storeMaxAgeMs?: number;
  /** Also listen with HTTPS on this port of 127.0.0.1 (0 picks a free one), with a certificate made on first use. Default off. */
  httpsPort?: number;
}

export interface DevServer {
  readonly port: number;
  /** The UI's address, e.g. http://127.0.0.1:7415/ */
  readonly url: string;
  /** The development API key (tcn_…) to give the SDKs. */
  readonly apiKey: string;
  /** The same project in the older key format (no mode), which the Python SDK v0.6.1 decodes. */
  readonly legacyApiKey: string;
  /** The HTTPS listener, when `httpsPort` was given. */
  readonly https: { port: number; domain: string; certificatePath: string; createdCertificate: boolean } | undefined;
  /** host:port for TERACRON_DOMAIN. */
  readonly domain: string;
  readonly slug: string;
  readonly dataDir: string;
  /** true when this start made the key pair. */
  readonly createdKeys: boolean;
  /** What was stored: `store.counts()` → { traces, spans, events, metrics }. */
  readonly store: DevStore;
  /** Emits 'spans', 'events' and 'metrics' with the records of each batch once stored. */
  readonly stored: EventEmitter;
  close(): Promise<void>;
}

export const HOST = '127.0.0.1';

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const dataDir = path.resolve(options.dataDir ?? defaultDevDataDir());
  const logger = options.logger ?? silentLogger;
  const project = await loadOrCreateDevProject(dataDir);
  const assets = await loadUiAssets();
  const store = new DevStore({ dir: path.join(dataDir, 'store'), maxBytes: options.storeMaxBytes, maxAgeMs: options.storeMaxAgeMs }).open();
  const hub = new SseHub();
  const stored = new EventEmitter();
  let domain = '';
  const api = createDevApi(store, hub, assets, () => ({ slug: project.slug, mode: 'development', domain }));

  // Awaited by the ingest before it answers 202: a 202 means the batch is in the store's files.
  const persist = async (batch: AcceptedBatch): Promise<void> => {
    const [name, records] =
      batch.kind === 'traces'
        ? ['spans', store.addSpans(batch.items as SpanRecord[])]
        : batch.kind === 'events'
          ? ['events', store.addEvents(batch.items as WorkflowEventRecord[])]
          : ['metrics', store.addMetrics(batch.items.map((i) => toMetricsPoint(i as Record<string, unknown>, processName(batch))))];
    try {
      await store.written();
    } catch (error) {
      logger.warn(`local Teracron: could not write a ${batch.kind} batch to ${store.dir} (${(error as Error).message}); answering 503 so the SDK retries`);
      throw error;
    }
    hub.broadcast(name, records);
    stored.emit(name, records);
  };

  let ingest: IngestServer;
  let certificate: Awaited<ReturnType<typeof loadOrCreateDevCertificate>> | undefined;
  try {
    if (options.httpsPort !== undefined) certificate = await loadOrCreateDevCertificate(dataDir);
    ingest = await IngestServer.start({
      // One key for both modes: v0.6.1 sends no X-Project-Mode (read as production), ours sends development.
      projects: [{ slug: project.slug, privateKey: project.privateKey }],
      legacyPaths: true,
      tls: certificate && { port: options.httpsPort, key: certificate.key, cert: certificate.cert },
      port: options.port ?? DEFAULT_DEV_PORT,
      host: HOST,
      // The store keeps the data; the ingest's own in-memory copy is only for tests.
      maxRecords: 0,
      fallback: api,
      persist,
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  domain = `${HOST}:${ingest.port}`;

  let closing: Promise<void> | undefined;
  return {
    port: ingest.port,
    url: `http://${domain}/`,
    apiKey: project.apiKey,
    legacyApiKey: encodeApiKey({ slug: project.slug, publicKeyPem: project.publicKeyPem, mode: 'legacy' }),
    https: certificate && { port: ingest.tlsPort, domain: `${HOST}:${ingest.tlsPort}`, certificatePath: certificate.certPath, createdCertificate: certificate.created },
    domain,
    slug: project.slug,
    dataDir,
    createdKeys: project.created,
    store,
    stored,
    close() {
      closing ??= (async () => {
        hub.closeAll();
        await ingest.close();
        await store.close();
      })();
      return closing;
    },
  };
}

/** The chart series a batch of metrics belongs to: the SDK's process id, else its User-Agent (one series per kind of client). */
function processName(batch: AcceptedBatch): string {
  const raw = batch.process ?? batch.userAgent?.split(' ')[0] ?? 'unknown';
  return raw.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}

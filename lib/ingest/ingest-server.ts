/**
 * The server side of the Teracron contract (PROTOCOL.md §3–§6) on node:http: the three routes,
 * their checks in the protocol's order, decryption with the project's private key, validation,
 * and a bounded record of what was accepted. It backs the tests and the local Teracron.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SLUG_PATTERN } from '../core/config/api-key';
import { decryptEnvelope } from '../core/crypto/envelope';
import type { ProjectMode, SpanRecord, WorkflowEventRecord } from '../core/types';
import { ConditionWaiters } from './condition-waiters';
import { FaultInjector, type IngestFault } from './fault-injector';
import { IngestRecord, type IngestRequestRecord, type MetricsRecord } from './ingest-record';
import { routeForPath, type IngestKind, type IngestRoute } from './ingest-routes';
import { parsePayload, PayloadError, type ParsedPayload } from './payload-parsing';
import { RateLimiter } from './rate-limiter';
import { closeServers, listenOnLoopback } from './loopback-listener';
import { readBody } from './read-body';
import { refuseRequest } from './request-guard';

type PrivateKeyInput = KeyObject | string;

export interface IngestProject {
  slug: string;
  /** Used for both modes unless `keys` says otherwise. */
  privateKey?: PrivateKeyInput;
  keys?: { development?: PrivateKeyInput; production?: PrivateKeyInput };
}

export interface IngestServerOptions {
  projects: IngestProject[];
  /** Default 0 (a free port). */
  port?: number;
  /** Loopback only. Default 127.0.0.1. */
  host?: string;
  /** Requests per slug per minute; false turns the limits off. Default 60/30/30 as in production. */
  rateLimits?: false | Partial<Record<IngestKind, number>>;
  /** Clock of the ±time window. */
  now?: () => number;
  /** Accepted items kept in memory per kind. Default 100 000; 0 keeps none. */
  maxRecords?: number;
  /** Handles every request that is not one of the three routes (the local Teracron's UI). A throw or rejection answers 500. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
  /**
   * Awaited before a 202, so that a 202 means stored (the local Teracron writes the batch to
   * disk here). A rejection answers 503, which clients retry.
   */
  persist?: (batch: AcceptedBatch) => Promise<void>;
  /** Also take traces and events on /v1/traces and /v1/events, as the published Python wheel 0.6.1 posts them. Default false. */
  legacyPaths?: boolean;
  /** A second listener speaking HTTPS on the same host, with the same routes. */
  tls?: { port?: number; key: string | Buffer; cert: string | Buffer };
}

export interface AcceptedBatch {
  kind: IngestKind;
  slug: string;
  mode: ProjectMode;
  items: unknown[];
  /** X-Teracron-Process: which process of the project sent it, when the SDK says (ours does; the Teracron service ignores it). */
  process: string | undefined;
  userAgent: string | undefined;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);
const MODES = new Set(['development', 'production']);

export class IngestServer extends EventEmitter {
  private readonly record: IngestRecord;
  private readonly faults = new FaultInjector();
  private readonly limiter: RateLimiter;
  private readonly keys = new Map<string, Partial<Record<ProjectMode, KeyObject>>>();
  private readonly waiters = new ConditionWaiters();
  private readonly now: () => number;
  private readonly pruneTimer: NodeJS.Timeout;
  private readonly servers: Server[] = [];
  private closing: Promise<void> | undefined;
  port = 0;
  /** Port of the HTTPS listener; 0 when there is none. */
  tlsPort = 0;

  private constructor(private readonly options: IngestServerOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.limiter = new RateLimiter(this.now);
    // Windows of slugs that stopped sending are dropped even when no request comes.
    this.pruneTimer = setInterval(() => this.limiter.prune(), 60_000);
    this.pruneTimer.unref();
    this.record = new IngestRecord(options.maxRecords ?? 100_000);
    for (const project of options.projects) {
      const both = project.privateKey === undefined ? undefined : toKey(project.privateKey);
      const dev = project.keys?.development;
      const prod = project.keys?.production;
      this.keys.set(project.slug, {
        development: dev === undefined ? both : toKey(dev),
        production: prod === undefined ? both : toKey(prod),
      });
    }
  }

  static async start(options: IngestServerOptions): Promise<IngestServer> {
    const host = options.host ?? '127.0.0.1';
    if (!LOOPBACK_HOSTS.has(host)) throw new Error(`IngestServer listens on loopback only; host "${host}" is not a loopback address`);
    const ingest = new IngestServer(options);
    try {
      ingest.port = await ingest.listen(createServer(), options.port ?? 0, host);
      if (options.tls) ingest.tlsPort = await ingest.listen(createTlsServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' }), options.tls.port ?? 0, host);
    } catch (error) {
      await ingest.close();
      throw error;
    }
    return ingest;
  }

  /** Rate-limit windows held now (bounded, see RateLimiter). */
  get rateLimitWindows(): number {
    return this.limiter.size;
  }

  private listen(server: Server, port: number, host: string): Promise<number> {
    this.servers.push(server);
    return listenOnLoopback(server, port, host, (req, res) => this.handle(req, res));
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What a client puts in TERACRON_DOMAIN. */
  get domain(): string {
    return `127.0.0.1:${this.port}`;
  }

  spans(): SpanRecord[] {
    return this.record.spans.items.slice();
  }

  events(): WorkflowEventRecord[] {
    return this.record.events.items.slice();
  }

  metrics(): MetricsRecord[] {
    return this.record.metrics.items.slice();
  }

  requests(): IngestRequestRecord[] {
    return this.record.requests.items.slice();
  }

  clear(): void {
    this.record.clear();
  }

  injectFaults(fault: IngestFault): void {
    this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Resolves once `predicate` holds; checked after every request and every 25 ms. */
  waitFor(predicate: (server: IngestServer) => boolean, timeoutMs = 5000): Promise<void> {
    return this.waiters.wait(() => predicate(this), timeoutMs, () => {
      const { requests, spans, events, metrics } = this.record;
      return `IngestServer.waitFor: condition not met within ${timeoutMs} ms (${requests.items.length} requests seen, ${spans.items.length} spans, ${events.items.length} events, ${metrics.items.length} metrics entries)`;
    });
  }

  close(): Promise<void> {
    clearInterval(this.pruneTimer);
    this.closing ??= closeServers(this.servers);
    return this.closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routeForPath(path, this.options.legacyPaths);
    const refusal = refuseRequest(req);
    if (refusal !== undefined) {
      req.resume();
      const error = refusal === 'host' ? 'this server answers loopback hosts only (Host must be 127.0.0.1, localhost or [::1])' : 'cross-origin requests are refused';
      return this.answer(req, res, path, route, 403, { error });
    }
    if (!route) {
      if (this.options.fallback) return await this.options.fallback(req, res);
      return this.answer(req, res, path, undefined, 404, { error: 'not found' });
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return this.answer(req, res, path, route, 405, { error: 'method not allowed' });
    }
    const fault = this.faults.take(route.kind);
    if (fault?.delayMs) await delay(fault.delayMs);
    if (fault?.dropConnection) {
      req.socket.destroy();
      this.logRequest(req, path, route, 0, 0, 0, 0, 0);
      return;
    }
    if (fault?.hang) {
      req.resume();
      this.logRequest(req, path, route, 0, 0, 0, 0, 0);
      return;
    }
    if (fault?.status !== undefined) {
      req.resume();
      if (fault.retryAfter !== undefined) res.setHeader('Retry-After', String(fault.retryAfter));
      return this.answer(req, res, path, route, fault.status, { error: 'injected fault' });
    }
    await this.handleIngest(req, res, path, route);
  }

  private async handleIngest(req: IncomingMessage, res: ServerResponse, path: string, route: IngestRoute): Promise<void> {
    const slug = header(req, 'x-project-slug');
    const modeHeader = header(req, 'x-project-mode');
    if (slug === undefined || !SLUG_PATTERN.test(slug) || (modeHeader !== undefined && !MODES.has(modeHeader))) {
      req.resume();
      return this.answer(req, res, path, route, 400, { error: 'X-Project-Slug must look like word-word-123 and X-Project-Mode be development or production' });
    }
    const mode = (modeHeader ?? 'production') as ProjectMode;
    const mediaType = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (mediaType !== 'application/octet-stream') {
      req.resume();
      return this.answer(req, res, path, route, 415, { error: 'Content-Type must be application/octet-stream' });
    }
    const body = await readBody(req, route.maxBytes);
    if (!body.ok) {
      if (body.reason === 'aborted') return;
      res.setHeader('Connection', 'close');
      return this.answer(req, res, path, route, 413, { error: `body over ${route.maxBytes} bytes` });
    }
    const bytes = body.body.length;
    if (bytes === 0) return this.answer(req, res, path, route, 400, { error: 'empty body' }, bytes);
    const limits = this.options.rateLimits;
    if (limits !== false) {
      const wait = this.limiter.take(`${slug}|${route.kind}`, limits?.[route.kind] ?? route.defaultRateLimit);
      if (wait > 0) {
        res.setHeader('Retry-After', String(wait));
        return this.answer(req, res, path, route, 429, { error: 'rate limited' }, bytes);
      }
    }
    const key = this.keys.get(slug)?.[mode];
    if (!key) return this.answer(req, res, path, route, 404, { error: 'unknown project' }, bytes);
    let plaintext: Buffer;
    try {
      plaintext = decryptEnvelope(body.body, key);
    } catch {
      return this.answer(req, res, path, route, 401, { error: 'envelope does not open' }, bytes);
    }
    let parsed: ParsedPayload;
    try {
      parsed = parsePayload(route.kind, plaintext, slug, this.now());
    } catch (error) {
      const status = error instanceof PayloadError ? error.status : 400;
      return this.answer(req, res, path, route, status, { error: (error as Error).message }, bytes);
    }
    try {
      await this.store(parsed, { kind: parsed.kind, slug, mode, items: parsed.items, process: header(req, 'x-teracron-process'), userAgent: header(req, 'user-agent') });
    } catch {
      return this.answer(req, res, path, route, 503, { error: 'could not store the batch; retry' }, bytes);
    }
    const accepted = parsed.items.length;
    this.answer(req, res, path, route, 202, { status: 'accepted', accepted, dropped: parsed.dropped }, bytes, accepted, parsed.dropped);
  }

  private async store(parsed: ParsedPayload, batch: AcceptedBatch): Promise<void> {
    if (batch.items.length > 0 && this.options.persist) await this.options.persist(batch);
    if (parsed.kind === 'traces') this.record.spans.push(parsed.items);
    else if (parsed.kind === 'events') this.record.events.push(parsed.items);
    else this.record.metrics.push(parsed.items.map((entry) => ({ ...entry, slug: batch.slug, ...parsed.batch })));
    if (batch.items.length > 0) {
      try {
        this.emit('accepted', batch);
      } catch {
        // A listener's failure must not turn an accepted batch into an error answer.
      }
    }
  }

  private answer(req: IncomingMessage, res: ServerResponse, path: string, route: IngestRoute | undefined, status: number, body: object, bytes = 0, accepted = 0, dropped = 0): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    this.logRequest(req, path, route, status, bytes, accepted, dropped, accepted + dropped);
  }

  private logRequest(req: IncomingMessage, path: string, route: IngestRoute | undefined, status: number, bytes: number, accepted: number, dropped: number, items: number): void {
    const modeHeader = header(req, 'x-project-mode');
    this.record.requests.push([
      {
        route: route?.kind ?? 'unknown',
        path,
        status,
        bytes,
        slug: header(req, 'x-project-slug'),
        mode: modeHeader === 'development' || modeHeader === 'production' ? modeHeader : undefined,
        userAgent: header(req, 'user-agent'),
        receivedAt: Date.now(),
        accepted,
        dropped,
        items,
        traceHeader: req.headers['x-teracron-trace'] !== undefined,
      },
    ]);
    this.waiters.notify();
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function toKey(input: PrivateKeyInput): KeyObject {
  return typeof input === 'string' ? createPrivateKey(input) : input;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

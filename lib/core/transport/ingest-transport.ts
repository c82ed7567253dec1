/**
 * Posts envelopes to the ingest with undici: one keep-alive pool per client origin, the headers
 * of PROTOCOL.md §5, no redirects, and an outcome class per answer so the export lanes know
 * whether to count, retry or drop. A send returns when its signal aborts, whatever the socket
 * is doing, and `destroy()` ends every socket at once (connecting ones included), so no network
 * state can hold a shutdown past its deadline.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import { INGEST_CONTRACT, type ExportKind } from '../ingest-contract';
import type { TeracronLogger } from '../logger';
import type { ProjectMode } from '../types';
import { USER_AGENT } from '../sdk-version';
import { parseRetryAfterMs } from './retry-after';
import { TrackedConnector } from './tracked-connector';

export type { ExportKind } from '../ingest-contract';

export type SendOutcome =
  /** `serverDropped`: items the ingest refused one by one, from the 202 body's `dropped`. */
  | { kind: 'sent'; status: number; serverDropped: number }
  | { kind: 'retry'; status: number; retryAfterMs?: number; reason: string }
  | { kind: 'drop'; status: number; reason: string };

export interface TransportSettings {
  origin: string;
  slug: string;
  mode: ProjectMode;
  timeoutMs: number;
  logger: TeracronLogger;
}

/** A 202 body is a few dozen bytes; anything longer is not the ingest's answer. */
const MAX_ACCEPTED_BODY = 4096;

export class IngestTransport {
  /**
   * X-Teracron-Process: which process (and which client in it: a random suffix) sent a request.
   * The local Teracron draws one chart series per value; the Teracron service ignores the header.
   */
  private readonly processName: string;
  private readonly pool: Pool;
  private readonly connector: TrackedConnector;
  private readonly warnedStatuses = new Set<number>();
  private closed = false;

  constructor(private readonly settings: TransportSettings) {
    const https = settings.origin.startsWith('https:');
    this.connector = new TrackedConnector(https ? { minVersion: 'TLSv1.2', timeout: settings.timeoutMs } : { timeout: settings.timeoutMs });
    this.pool = new Pool(settings.origin, {
      connections: 4,
      keepAliveTimeout: 30_000,
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
      connect: this.connector.connect,
    });
    this.processName = `pid ${process.pid}-${randomBytes(2).toString('hex')}`;
  }

  /** Resolves by the time `abort` fires or `timeoutMs` passes, at the latest. Never rejects. */
  send(kind: ExportKind, envelope: Buffer, abort?: AbortSignal): Promise<SendOutcome> {
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    const signal = abort ? AbortSignal.any([abort, timeout]) : timeout;
    const gaveUp = (): SendOutcome => ({ kind: 'retry', status: 0, reason: timeout.aborted ? 'timeout' : 'aborted' });
    if (this.closed || signal.aborted) return Promise.resolve(gaveUp());
    return new Promise<SendOutcome>((resolve) => {
      const onAbort = () => resolve(gaveUp());
      signal.addEventListener('abort', onAbort, { once: true });
      this.post(kind, envelope, signal).then(
        (outcome) => resolve(outcome),
        (error: unknown) => resolve(signal.aborted ? gaveUp() : { kind: 'retry', status: 0, reason: describeNetworkError(error) }),
      ).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async post(kind: ExportKind, envelope: Buffer, signal: AbortSignal): Promise<SendOutcome> {
    const response = await this.pool.request({
      method: 'POST',
      path: INGEST_CONTRACT[kind].path,
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(envelope.length),
        'x-project-slug': this.settings.slug,
        'x-project-mode': this.settings.mode,
        'user-agent': USER_AGENT,
        'x-teracron-process': this.processName,
      },
      body: envelope,
      signal,
    });
    const status = response.statusCode;
    if (status === 202) return { kind: 'sent', status, serverDropped: await readServerDropped(response.body) };
    await response.body.dump().catch(() => undefined);
    return this.classify(kind, status, response.headers['retry-after']);
  }

  private classify(kind: ExportKind, status: number, retryAfter: string | string[] | undefined): SendOutcome {
    if (status === 429 || status >= 500) {
      return { kind: 'retry', status, retryAfterMs: parseRetryAfterMs(retryAfter), reason: `HTTP ${status}` };
    }
    // 4xx and 3xx (redirects are never followed) will not succeed on a retry.
    if (!this.warnedStatuses.has(status)) {
      this.warnedStatuses.add(status);
      this.settings.logger.warn(`the ingest refused a ${kind} batch with HTTP ${status} (${explainStatus(status)}); such batches are dropped and counted`);
    }
    return { kind: 'drop', status, reason: `HTTP ${status}` };
  }

  /** Ends every request and socket now; what is in flight resolves as aborted. Idempotent. */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.connector.destroyAll();
    this.pool.destroy().catch(() => undefined);
  }

  /** `destroy()`, as a promise for callers that await their cleanup. */
  async close(): Promise<void> {
    this.destroy();
  }
}

/** `dropped` of the 202 body `{"status":"accepted","accepted":N,"dropped":M}`; 0 when absent or unreadable. */
async function readServerDropped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<number> {
  let text = '';
  try {
    for await (const chunk of body) {
      text += chunk.toString('utf8');
      if (text.length > MAX_ACCEPTED_BODY) {
        body.destroy();
        return 0;
      }
    }
    const dropped = (JSON.parse(text) as { dropped?: unknown } | null)?.dropped;
    return typeof dropped === 'number' && Number.isInteger(dropped) && dropped > 0 ? dropped : 0;
  } catch {
    // The ingest accepted the batch (202); an unreadable body does not change that.
    return 0;
  }
}

function explainStatus(status: number): string {
  switch (status) {
    case 400:
      return 'malformed request';
    case 401:
      return 'the envelope did not open: check that the API key belongs to this project and mode';
    case 404:
      return 'unknown project: check the API key (option apiKey / env TERACRON_API_KEY)';
    case 413:
      return 'body too large';
    case 415:
      return 'wrong media type';
    default:
      return status >= 300 && status < 400 ? 'redirects are not followed: check the domain (option domain / env TERACRON_DOMAIN)' : 'refused';
  }
}

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'network error';
}

/**
 * Posts envelopes to the ingest with undici: one keep-alive pool per client origin, the headers
 * of PROTOCOL.md §5, no redirects, and an outcome class per answer so the export lanes know
 * whether to count, retry or drop.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import { INGEST_CONTRACT, type ExportKind } from '../ingest-contract';
import type { TeracronLogger } from '../logger';
import type { ProjectMode } from '../types';
import { USER_AGENT } from '../sdk-version';
import { registerOwnOrigin, unregisterOwnOrigin } from './own-requests';
import { parseRetryAfterMs } from './retry-after';

export type { ExportKind } from '../ingest-contract';

export type SendOutcome =
  | { kind: 'sent'; status: number }
  | { kind: 'retry'; status: number; retryAfterMs?: number; reason: string }
  | { kind: 'drop'; status: number; reason: string };

export interface TransportSettings {
  origin: string;
  slug: string;
  mode: ProjectMode;
  timeoutMs: number;
  logger: TeracronLogger;
}

export class IngestTransport {
  /**
   * X-Teracron-Process: which process (and which client in it: a random suffix) sent a request.
   * The local Teracron draws one chart series per value; the Teracron service ignores the header.
   */
  private readonly processName: string;
  private readonly pool: Pool;
  private readonly warnedStatuses = new Set<number>();
  private closed = false;

  constructor(private readonly settings: TransportSettings) {
    const https = settings.origin.startsWith('https:');
    this.pool = new Pool(settings.origin, {
      connections: 4,
      keepAliveTimeout: 30_000,
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
      connect: https ? { minVersion: 'TLSv1.2', timeout: settings.timeoutMs } : { timeout: settings.timeoutMs },
    });
    registerOwnOrigin(settings.origin);
    this.processName = `pid ${process.pid}-${randomBytes(2).toString('hex')}`;
  }

  async send(kind: ExportKind, envelope: Buffer, abort?: AbortSignal): Promise<SendOutcome> {
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    const signal = abort ? AbortSignal.any([abort, timeout]) : timeout;
    let status: number;
    let retryAfter: string | string[] | undefined;
    try {
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
      status = response.statusCode;
      retryAfter = response.headers['retry-after'];
      await response.body.dump().catch(() => undefined);
    } catch (error) {
      const reason = timeout.aborted ? 'timeout' : abort?.aborted ? 'aborted' : describeNetworkError(error);
      return { kind: 'retry', status: 0, reason };
    }
    return this.classify(kind, status, retryAfter);
  }

  private classify(kind: ExportKind, status: number, retryAfter: string | string[] | undefined): SendOutcome {
    if (status === 202) return { kind: 'sent', status };
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    unregisterOwnOrigin(this.settings.origin);
    await this.pool.destroy().catch(() => undefined);
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

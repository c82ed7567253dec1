/**
 * Says, without debug, when exports have been failing for a while and when they work again:
 * one warning per outage (naming the cause and the domain), one line on recovery. Shared by
 * the lanes of one client. A 429 is pacing, not an outage; an abort at shutdown is neither.
 */
import type { TeracronLogger } from '../logger';

/**
 * An outage is declared after this many failed requests in a row: with the default backoff
 * (0.5–1 s, then doubling), from about 2 s to 15 s after the first failure. A blip is not one.
 */
export const OUTAGE_AFTER_FAILURES = 5;

export class ExportHealth {
  private failures = 0;
  private firstFailureAt = 0;
  private warned = false;

  constructor(
    /** host[:port] of the ingest. */
    private readonly domain: string,
    private readonly logger: TeracronLogger,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** True while an outage has been declared and not yet recovered. */
  get inOutage(): boolean {
    return this.warned;
  }

  failed(reason: string): void {
    const now = this.now();
    if (this.failures++ === 0) this.firstFailureAt = now;
    if (this.warned || this.failures < OUTAGE_AFTER_FAILURES) return;
    this.warned = true;
    this.logger.warn(
      `exports to ${this.domain} have been failing for ${seconds(now - this.firstFailureAt)} (${describeCause(reason)}); data is kept in bounded queues and retried, what does not fit is dropped and counted`,
    );
  }

  succeeded(): void {
    if (this.warned) {
      this.logger.warn(`exports to ${this.domain} work again after ${seconds(this.now() - this.firstFailureAt)} and ${this.failures} failed request(s)`);
    }
    this.failures = 0;
    this.warned = false;
  }
}

function seconds(ms: number): string {
  return `${Math.max(0, Math.round(ms / 1000))} s`;
}

/** A transport reason (an error code, `HTTP 503`, `timeout`) in words a user can act on. */
export function describeCause(reason: string): string {
  if (reason === 'ECONNREFUSED') return 'connection refused: is the ingest running at this address?';
  if (reason === 'ENOTFOUND' || reason === 'EAI_AGAIN' || reason === 'EAI_FAIL') return `DNS lookup failed (${reason}): check the domain (option domain / env TERACRON_DOMAIN)`;
  if (reason === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timed out: the ingest is unreachable';
  if (reason === 'timeout' || reason === 'UND_ERR_HEADERS_TIMEOUT' || reason === 'UND_ERR_BODY_TIMEOUT') return 'requests timed out (option timeoutSeconds / env TERACRON_TIMEOUT)';
  if (reason === 'ECONNRESET' || reason === 'UND_ERR_SOCKET' || reason === 'EPIPE') return `the connection was dropped (${reason})`;
  if (reason === 'EHOSTUNREACH' || reason === 'ENETUNREACH') return `the network is unreachable (${reason})`;
  if (/^(ERR_TLS|ERR_SSL|EPROTO|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH|ERR_TLS_CERT)/.test(reason)) return `TLS failed (${reason})`;
  if (reason.startsWith('HTTP ')) return `the ingest answers ${reason}`;
  return reason;
}

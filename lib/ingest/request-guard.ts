/**
 * Who may talk to a loopback ingest at all. DNS rebinding: a page on another origin can make its
 * own name resolve to 127.0.0.1 and then read or write this server; its requests still carry its
 * own name in Host, so only loopback names are answered. A browser page on another origin may
 * still send simple cross-origin POSTs (no preflight) to a loopback name; browsers mark those
 * with Origin or Sec-Fetch-Site, which SDKs never send, so such requests change nothing.
 */
import type { IncomingMessage } from 'node:http';

// Loopback names and the address the server is bound to (127.0.0.1), with any port.
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i;
const READ_METHODS = new Set(['GET', 'HEAD']);

export type GuardRefusal = 'host' | 'cross-origin' | undefined;

export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host);
}

/** Why this request must get a 403, or undefined when it may go on. */
export function refuseRequest(req: IncomingMessage): GuardRefusal {
  const host = req.headers.host;
  if (!isLoopbackHost(host)) return 'host';
  if (READ_METHODS.has(req.method ?? '')) return undefined;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'cross-origin';
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) return 'cross-origin';
  return undefined;
}

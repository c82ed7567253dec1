/**
 * The local Teracron's read side: the UI assets, a small JSON API over the store, and the
 * live stream. Every request the ingest routes do not claim lands here. Read-only: GET and HEAD.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProjectMode } from '../../core/types';
import type { DevStore } from './dev-store';
import type { SseHub } from './sse-hub';
import { UI_ASSETS } from './ui/ui-assets';

export interface DevApiInfo {
  slug: string;
  mode: ProjectMode;
  /** host:port to put in TERACRON_DOMAIN. */
  domain: string;
}

// DNS rebinding: a web page on another origin could resolve its own name to 127.0.0.1 and read
// the traces; requiring a loopback Host header stops it.
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i;
const TRACE_PATH = /^\/api\/traces\/([0-9A-Za-z]{1,64})$/;
const MAX_LIMIT = 5000;

export function createDevApi(store: DevStore, hub: SseHub, info: () => DevApiInfo): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (!LOOPBACK_HOST.test(req.headers.host ?? '')) {
      sendJson(res, { error: 'the local Teracron answers loopback hosts only' }, 403);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    const asset = UI_ASSETS.get(url.pathname);
    if (asset) {
      res.writeHead(200, { 'content-type': asset.contentType, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : asset.body);
      return;
    }
    const limit = readLimit(url, 100);
    switch (url.pathname) {
      case '/api/stream':
        hub.open(req, res);
        return;
      case '/api/summary':
        sendJson(res, { ...info(), counts: store.counts(), store: { bytes: store.bytes, max_bytes: store.maxBytes } });
        return;
      case '/api/traces':
        sendJson(res, store.listTraces(limit));
        return;
      case '/api/events':
        sendJson(res, store.recentEvents(limit));
        return;
      case '/api/metrics':
        sendJson(res, store.recentMetrics(limit));
        return;
    }
    const trace = TRACE_PATH.exec(url.pathname);
    if (trace) {
      const found = store.getTrace(trace[1]!);
      if (found) sendJson(res, found);
      else sendJson(res, { error: 'trace not found' }, 404);
      return;
    }
    sendJson(res, { error: 'not found' }, 404);
  };
}

function readLimit(url: URL, fallback: number): number {
  const raw = Number(url.searchParams.get('limit'));
  return Number.isInteger(raw) && raw > 0 ? Math.min(raw, MAX_LIMIT) : fallback;
}

function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * The local Teracron's read side: the UI assets, a small JSON API over the store, and the
 * live stream. Every request the ingest routes do not claim lands here, after the ingest's guard
 * (loopback Host, no cross-origin writes). Read-only: GET and HEAD. Never throws: a target that
 * does not parse is a 400.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProjectMode } from '../../core/types';
import type { DevStore } from './dev-store';
import type { SseHub } from './sse-hub';
import type { TraceFilter } from './trace-summary';
import type { UiAsset } from './ui/ui-assets';

export interface DevApiInfo {
  slug: string;
  mode: ProjectMode;
  /** host:port to put in TERACRON_DOMAIN. */
  domain: string;
}

const TRACE_PATH = /^\/api\/traces\/([0-9A-Za-z]{1,64})$/;
const MAX_LIMIT = 5000;

const STATUS_FILTERS = new Set(['succeeded', 'client_error', 'failed']);

export function createDevApi(store: DevStore, hub: SseHub, assets: ReadonlyMap<string, UiAsset>, info: () => DevApiInfo): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = parseTarget(req.url);
    if (url === undefined) {
      sendJson(res, { error: 'the request target is not a valid path' }, 400);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    const asset = assets.get(url.pathname);
    if (asset) {
      res.writeHead(200, { ...asset.headers, 'content-type': asset.contentType, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : asset.body);
      return;
    }
    // The data and the live stream are for this page only: another site's page may not read them or
    // hold stream slots (its navigations to the page itself are fine).
    if (url.pathname.startsWith('/api/') && isCrossSite(req)) {
      sendJson(res, { error: 'the local Teracron API answers its own page only' }, 403);
      return;
    }
    const limit = readLimit(url, 100);
    switch (url.pathname) {
      case '/api/stream':
        // HEAD gets the stream's headers only: there is no body to hold open.
        if (req.method === 'HEAD') res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' }).end();
        else hub.open(req, res);
        return;
      case '/api/summary':
        sendJson(res, { ...info(), counts: store.counts(), requests_estimate: Math.round(store.requestEstimate()), workflows: store.workflows(), store: { bytes: store.bytes, max_bytes: store.maxBytes, skipped_records: store.skipped } });
        return;
      case '/api/traces':
        sendJson(res, store.listTraces(limit, readTraceFilter(url)));
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

/** The target as a URL; undefined for one the WHATWG parser refuses (`//[`) or that names another authority (`//host/x`). */
function parseTarget(target: string | undefined): URL | undefined {
  if (target === undefined || !target.startsWith('/')) return undefined;
  try {
    const url = new URL(target, 'http://local');
    return url.host === 'local' ? url : undefined;
  } catch {
    return undefined;
  }
}

function isCrossSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}

function readTraceFilter(url: URL): TraceFilter {
  const status = url.searchParams.get('status') ?? '';
  return {
    workflow: url.searchParams.get('workflow') || undefined,
    status: STATUS_FILTERS.has(status) ? (status as TraceFilter['status']) : undefined,
    text: url.searchParams.get('q')?.trim().slice(0, 200) || undefined,
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

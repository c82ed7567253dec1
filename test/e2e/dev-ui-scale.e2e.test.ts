/**
 * The local Teracron's UI in Chromium at the edges: a trace 10 000 spans deep renders its rows,
 * two processes on one key draw two series in time order, the trace list filters and shows a 4xx
 * as a client error with its code, 200 idle live streams do not take the UI offline, and a page
 * on another origin can neither crash the server (GET //[) nor write to it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startDevServer, type DevServer } from '../../lib/agent/dev/dev-server';
import { createTeracronClient } from '../../lib/core/client';
import { decodeApiKey } from '../../lib/core/config/api-key';
import { encryptEnvelope } from '../../lib/core/crypto/envelope';
import { encodeMetricsBatch } from '../../lib/core/encoding/metrics-protobuf';
import type { MetricsSnapshot, SpanRecord } from '../../lib/core/types';
import { launchChromium, type LaunchedBrowser } from '../support/chromium';

const hex = () => randomBytes(16).toString('hex');

function span(traceId: string, overrides: Partial<SpanRecord> = {}): SpanRecord {
  return { trace_id: traceId, span_id: hex(), parent_span_id: null, workflow: 'w', operation: 'op', status: 'succeeded', started_at: Date.now() - 1000, duration_ms: 5, error_type: null, error_message: null, metadata: null, captured_params: null, ...overrides };
}

function post(server: DevServer, route: string, plaintext: Buffer, headers: Record<string, string> = {}): Promise<number> {
  const body = encryptEnvelope(plaintext, decodeApiKey(server.apiKey).publicKeyPem);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: 'POST', path: route, agent: false, headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length), 'x-project-slug': server.slug, 'x-project-mode': 'development', ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const postSpans = (server: DevServer, spans: SpanRecord[]) => post(server, '/api/v1/traces', Buffer.from(JSON.stringify({ type: 'trace', project_slug: server.slug, spans })));

function snapshot(timestamp: number, rss: number): MetricsSnapshot {
  return { timestamp, rss, heap_total: 4e7, heap_used: 3e7, external: 1e6, array_buffers: 1e5, cpu_usage: 0.05, event_loop_lag_ms: 1 };
}

describe('local Teracron UI in Chromium, at the edges', () => {
  let root: string;
  let server: DevServer;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'teracron-ui-scale-'));
    [server, browser] = await Promise.all([startDevServer({ port: 0, dataDir: path.join(root, 'dev') }), launchChromium()]);
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('renders the rows of a trace 10 000 spans deep, only those in view being in the page', async () => {
    const traceId = hex();
    const spans: SpanRecord[] = [];
    const start = Date.now() - 60_000;
    for (let depth = 0; depth < 10_000; depth++) {
      spans.push(span(traceId, { span_id: `${depth.toString(16).padStart(8, '0')}${'d'.repeat(24)}`, parent_span_id: depth === 0 ? null : spans[depth - 1]!.span_id, workflow: 'deep', operation: `level-${depth}`, started_at: start + depth, duration_ms: 20_000 - depth }));
    }
    // Straight into the store: the ingest's rate limit allows 30 batches of 100 a minute.
    server.store.addSpans(spans);
    await page.goto(`${server.url}#/trace/${traceId}`);
    await page.waitForSelector('#waterfall[data-rows="10000"] .wf-row');
    const first = page.locator('#waterfall .wf-row').first();
    assert.equal(await first.getAttribute('data-depth'), '0');
    assert.equal(await first.locator('.op').textContent(), 'level-0');
    assert.ok((await page.locator('#waterfall .wf-row').count()) < 200, 'only the rows in view are rendered');
    await page.locator('#waterfall .wf-viewport').evaluate((node: any) => (node.scrollTop = node.scrollHeight));
    const last = page.locator('#waterfall .wf-row[data-depth="9999"]');
    await last.waitFor();
    assert.equal(await last.locator('.op').textContent(), 'level-9999');
    assert.match((await last.locator('.deep').textContent()) ?? '', /depth 9999/);
    assert.deepEqual(pageErrors, []);
  });

  it('draws one series per process on the same key, each in time order', async () => {
    // Two processes' samples arrive interleaved and out of order.
    const now = Date.now();
    const send = (processName: string, points: MetricsSnapshot[]) => post(server, '/api/ingest', encodeMetricsBatch(points, { sdkVersion: 'test', runtimeVersion: 'test' }), { 'x-teracron-process': processName });
    assert.equal(await send('pid 101', [snapshot(now - 30_000, 50e6), snapshot(now - 50_000, 52e6)]), 202);
    assert.equal(await send('pid 202', [snapshot(now - 40_000, 80e6), snapshot(now - 60_000, 81e6)]), 202);
    assert.equal(await send('pid 101', [snapshot(now - 10_000, 54e6)]), 202);
    assert.equal(await send('pid 202', [snapshot(now - 20_000, 82e6)]), 202);
    // And our SDK names its process: two clients, two series.
    const clients = [0, 1].map(() => createTeracronClient({ apiKey: server.apiKey, domain: server.domain, intervalSeconds: 5, spool: false }, { env: {} }));
    const fromClients = new Promise<void>((resolve) => {
      let seen = 0;
      server.stored.on('metrics', () => ++seen === 2 && resolve());
    });
    clients.forEach((c) => c.start());
    await fromClients;
    await Promise.all(clients.map((c) => c.stop(5_000)));

    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    const lines = await page.locator('#chart-memory polyline[data-series="rss"]').evaluateAll((nodes: any[]) =>
      nodes.map((n) => ({ process: n.dataset.process as string, xs: (n.getAttribute('points') as string).trim().split(' ').map((p) => Number(p.split(',')[0])) })),
    );
    const byProcess = new Map(lines.map((l) => [l.process, l.xs]));
    assert.equal(byProcess.get('pid 101')?.length, 3);
    assert.equal(byProcess.get('pid 202')?.length, 3);
    for (const [processName, xs] of byProcess) assert.deepEqual(xs, [...xs].sort((a, b) => a - b), `${processName} drawn in time order`);
    const sdkSeries = [...byProcess.keys()].filter((name) => name.startsWith(`pid ${process.pid}`));
    assert.equal(sdkSeries.length, 2, `series: ${[...byProcess.keys()].join(', ')}`);
    assert.equal(await page.locator('#chart-memory .processes [data-process]').count(), byProcess.size);
  });

  it('filters the trace list by workflow, status and text, and shows a 404 as a client error with its code', async () => {
    const traces = {
      alpha: [span(hex(), { workflow: 'alpha', operation: 'GET /alpha', metadata: { 'http.status_code': 200 } })],
      beta: [span(hex(), { workflow: 'beta', operation: 'POST /beta', status: 'failed', error_type: 'Error', error_message: 'boom', metadata: { 'http.status_code': 500 } })],
      gamma: [span(hex(), { workflow: 'gamma', operation: 'GET /missing', metadata: { 'http.status_code': 404 } })],
    };
    assert.equal(await postSpans(server, [...traces.alpha, ...traces.beta, ...traces.gamma]), 202);
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    const row = (name: keyof typeof traces) => page.locator(`#traces tbody tr[data-trace-id="${traces[name][0]!.trace_id}"]`);
    await row('gamma').waitFor();
    assert.equal(await row('gamma').locator('td.code').textContent(), '404');
    assert.equal(await row('gamma').locator('td.status .badge').first().textContent(), 'client error');
    assert.equal(await row('alpha').locator('td.status .badge').first().textContent(), 'succeeded');
    assert.equal(await row('beta').locator('td.code').textContent(), '500');

    const shownWorkflows = () => page.locator('#traces tbody tr td.workflow').allTextContents();
    // Polled from here: the page's CSP (rightly) forbids the string evaluation waitForFunction uses.
    const expectShown = async (expected: string[]) => {
      let shown: string[] = [];
      for (let i = 0; i < 100; i++) {
        shown = (await shownWorkflows()).sort();
        if (JSON.stringify(shown) === JSON.stringify(expected)) return;
        await page.waitForTimeout(50);
      }
      assert.deepEqual(shown, expected);
    };
    await page.selectOption('#filter-workflow', 'beta');
    await expectShown(['beta']);
    await page.selectOption('#filter-workflow', '');
    await page.selectOption('#filter-status', 'client_error');
    await expectShown(['gamma']);
    await page.selectOption('#filter-status', 'failed');
    await expectShown(['beta']);
    await page.selectOption('#filter-status', '');
    await page.fill('#filter-text', 'ALPH');
    await expectShown(['alpha']);
    await page.fill('#filter-text', 'no such trace');
    await page.locator('#traces-none:not(.hidden)').waitFor();
    await page.fill('#filter-text', '');
  });

  it('stays live with 200 idle stream connections open', async () => {
    const idle: net.Socket[] = [];
    try {
      for (let i = 0; i < 200; i++) {
        const socket = net.connect(server.port, '127.0.0.1');
        socket.on('error', () => undefined);
        socket.write(`GET /api/stream HTTP/1.1\r\nhost: 127.0.0.1:${server.port}\r\naccept: text/event-stream\r\n\r\n`);
        idle.push(socket);
      }
      await Promise.all(idle.map((socket) => once(socket, 'data')));
      await page.goto(server.url);
      await page.waitForSelector('body[data-ready="true"]');
      await page.waitForSelector('#live[data-state="live"]');
      const traceId = hex();
      assert.equal(await postSpans(server, [span(traceId, { workflow: 'after-the-flood' })]), 202);
      await page.locator(`#traces tbody tr[data-trace-id="${traceId}"]`).waitFor({ timeout: 10_000 });
    } finally {
      for (const socket of idle) socket.destroy();
    }
  });

  it('answers GET //[ from a page on another origin with 400, stays up, and stores nothing that page POSTs', async () => {
    const traceId = hex();
    const sealed = encryptEnvelope(Buffer.from(JSON.stringify({ type: 'trace', project_slug: server.slug, spans: [span(traceId, { workflow: 'from-evil' })] })), decodeApiKey(server.apiKey).publicKeyPem);
    const target = `http://127.0.0.1:${server.port}`;
    const evilPage = `<!doctype html><img src="${target}//["><script>
      fetch('${target}/api/v1/traces', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain', 'x-project-slug': '${server.slug}' }, body: new Uint8Array([${[...sealed].join(',')}]) })
        .finally(() => { document.body.dataset.posted = 'true'; });
    </script>`;
    const evil = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(evilPage));
    evil.listen(0, 'localhost');
    await once(evil, 'listening');
    try {
      // Chromium withholds a JSON answer to a cross-origin <img> from the page (ORB), so the status
      // is read from the network layer, as the server sent it.
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Network.enable');
      // CDP may report a response's extra info before the request itself: keep both, match either way.
      const crash = new Promise<number>((resolve) => {
        let requestId: string | undefined;
        const statuses = new Map<string, number>();
        cdp.on('Network.requestWillBeSent', (event) => {
          if (event.request.url !== `${target}//[`) return;
          requestId = event.requestId;
          const status = statuses.get(requestId);
          if (status !== undefined) resolve(status);
        });
        cdp.on('Network.responseReceivedExtraInfo', (event) => {
          statuses.set(event.requestId, event.statusCode);
          if (event.requestId === requestId) resolve(event.statusCode);
        });
      });
      await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      assert.equal(await crash, 400);
      await page.waitForSelector('body[data-posted="true"]');
      assert.equal((await fetch(new URL('/api/summary', server.url))).status, 200);
      assert.equal(server.store.getTrace(traceId), undefined);
    } finally {
      evil.closeAllConnections();
      evil.close();
    }
  });
});

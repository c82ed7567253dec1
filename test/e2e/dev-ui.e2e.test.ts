/**
 * The local Teracron's UI in a real headless Chromium: traffic sent with the client shows up as
 * a trace list, a waterfall of nested spans with durations, and memory charts with points.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startDevServer, type DevServer } from '../../lib/agent/dev/dev-server';
import { createTeracronClient, TeracronClient } from '../../lib/core/client';
import type { SpanRecord } from '../../lib/core/types';
import { launchChromium, type LaunchedBrowser } from '../support/chromium';

const hex = () => randomBytes(16).toString('hex');
const SCREENSHOT = path.join(os.tmpdir(), 'teracron-dev-ui.png');

function checkoutTrace(failed: boolean): SpanRecord[] {
  const traceId = hex();
  const [rootId, serviceId, paymentId] = [hex(), hex(), hex()];
  const now = Date.now() - 200;
  const base = { trace_id: traceId, workflow: 'checkout', error_type: null, error_message: null, metadata: null, captured_params: null };
  const failure = failed ? { status: 'failed' as const, error_type: 'CardDeclinedError', error_message: 'card declined' } : { status: 'succeeded' as const };
  return [
    { ...base, ...failure, span_id: paymentId, parent_span_id: serviceId, operation: 'PaymentService.charge', started_at: now + 10, duration_ms: 40, captured_params: { amount: 42, currency: 'EUR' } },
    { ...base, ...failure, span_id: serviceId, parent_span_id: rootId, operation: 'OrdersService.create', started_at: now + 5, duration_ms: 60 },
    { ...base, ...failure, span_id: rootId, parent_span_id: null, operation: 'POST /orders', started_at: now, duration_ms: 80, metadata: failed ? { 'http.status': 402, sample_rate: 1 } : { 'http.status': 201, sample_rate: 0.25 } },
  ];
}

describe('local Teracron UI in Chromium', () => {
  let root: string;
  let server: DevServer;
  let client: TeracronClient;
  let browser: LaunchedBrowser;
  let page: Page;
  const okTrace = checkoutTrace(false);
  const failedTrace = checkoutTrace(true);

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'teracron-ui-'));
    [server, browser] = await Promise.all([startDevServer({ port: 0, dataDir: path.join(root, 'dev') }), launchChromium()]);
    // The client samples its own process: the memory chart's points come from it.
    client = createTeracronClient({ apiKey: server.apiKey, domain: server.domain, intervalSeconds: 5, maxBufferSize: 1 }, { env: {} });
    const firstMetrics = once(server.stored, 'metrics');
    client.start();
    for (const span of [...okTrace, ...failedTrace]) client.enqueueSpan(span);
    await client.flush();
    await firstMetrics;
    page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    assert.deepEqual(errors, []);
  });

  after(async () => {
    await browser?.close();
    await client?.stop(5_000);
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('lists the traces with workflow, root operation, status, duration and span count', async () => {
    const rows = page.locator('#traces tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 2);
    const ok = page.locator(`#traces tbody tr[data-trace-id="${okTrace[0]!.trace_id}"]`);
    assert.equal(await ok.locator('td.workflow').textContent(), 'checkout');
    assert.equal(await ok.locator('td.operation').textContent(), 'POST /orders');
    assert.equal(await ok.locator('td.duration').textContent(), '80.0 ms');
    assert.equal(await ok.locator('td.spans').textContent(), '3');
    const failed = page.locator(`#traces tbody tr[data-trace-id="${failedTrace[0]!.trace_id}"]`);
    assert.match((await failed.getAttribute('class')) ?? '', /failed/);
    assert.match((await failed.textContent()) ?? '', /failed/);
  });

  it('shows the requests the traces stand for: Σ 1 / sample_rate over their roots', async () => {
    // The kept trace at 0.25 stands for 4 requests, the failed one (sample_rate 1) for itself.
    await page.locator('#counts [data-count="requests"] b', { hasText: '5' }).waitFor();
    assert.equal(await page.locator('#counts [data-count="requests"]').textContent(), '≈ 5 requests');
  });

  it('shows a waterfall of the nested spans with their durations, errors in red, params shown', async () => {
    await page.locator(`#traces tbody tr[data-trace-id="${failedTrace[0]!.trace_id}"]`).click();
    const rows = page.locator('#waterfall .wf-row');
    await rows.first().waitFor();
    // Browser-side code: no DOM types in this project, so the nodes are typed loosely.
    const shown = await rows.evaluateAll((nodes: any[]) =>
      nodes.map((n) => ({
        operation: n.querySelector('.op')?.textContent as string,
        depth: n.dataset.depth as string,
        duration: n.querySelector('.wf-dur')?.textContent as string,
        barWidth: parseFloat(n.querySelector('.wf-bar').style.width),
        barColor: (globalThis as any).getComputedStyle(n.querySelector('.wf-bar')).backgroundColor as string,
      })),
    );
    assert.deepEqual(
      shown.map(({ operation, depth, duration }) => ({ operation, depth, duration })),
      [
        { operation: 'POST /orders', depth: '0', duration: '80.0 ms' },
        { operation: 'OrdersService.create', depth: '1', duration: '60.0 ms' },
        { operation: 'PaymentService.charge', depth: '2', duration: '40.0 ms' },
      ],
    );
    // Bars are scaled to time: the 80 ms root spans the whole trace, 40 ms is half of it.
    assert.equal(shown[0]!.barWidth, 100);
    assert.equal(shown[2]!.barWidth, 50);
    assert.ok(shown.every((s) => s.barColor === 'rgb(220, 38, 38)'), 'failed spans are red');

    await rows.nth(2).click();
    const detail = page.locator('#span-detail');
    await detail.locator('.captured dd', { hasText: 'EUR' }).waitFor();
    assert.match((await detail.textContent()) ?? '', /CardDeclinedError/);
    assert.match((await detail.locator('.captured').textContent()) ?? '', /amount\s*42/);
  });

  it('draws the memory chart with points', async () => {
    await page.locator('#chart-memory polyline[data-series="rss"]').first().waitFor();
    const rssPoints = await page.locator('#chart-memory polyline[data-series="rss"]').first().getAttribute('points');
    assert.ok(rssPoints && rssPoints.trim().split(' ').length >= 1);
    assert.match((await page.locator('#chart-memory .legend').textContent()) ?? '', /RSS \d+(\.\d)? MB/);
  });

  it('updates live when a new trace arrives', async () => {
    const live = checkoutTrace(false).map((s) => ({ ...s, workflow: 'live-update' }));
    for (const span of live) client.enqueueSpan(span);
    await client.flush();
    await page.locator(`#traces tbody tr[data-trace-id="${live[0]!.trace_id}"]`).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});

/**
 * The local Teracron end to end: its printed key works with the client unchanged, other keys are
 * refused, data survives a restart, and the `dev` and `tail` commands work as real processes.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDevServer, type DevServer } from '../../lib/agent/dev/dev-server';
import { PRIVATE_KEY_FILE, PROJECT_FILE, PUBLIC_KEY_FILE } from '../../lib/agent/dev/dev-keys';
import { createTeracronClient, TeracronClient } from '../../lib/core/client';
import { encryptEnvelope } from '../../lib/core/crypto/envelope';
import type { SpanRecord } from '../../lib/core/types';
import { startAgent } from '../support/agent-cli';
import { readVector } from '../support/vectors';

const hex = () => randomBytes(16).toString('hex');

/** A small trace: root → service → repository, ended children first as the SDK sends them. */
function traceSpans(workflow: string, root = 'POST /orders'): SpanRecord[] {
  const traceId = hex();
  const [rootId, serviceId, repoId] = [hex(), hex(), hex()];
  const now = Date.now();
  const base = { trace_id: traceId, workflow, status: 'succeeded' as const, error_type: null, error_message: null, metadata: null, captured_params: null };
  return [
    { ...base, span_id: repoId, parent_span_id: serviceId, operation: 'OrdersRepository.insert', started_at: now - 40, duration_ms: 12.5 },
    { ...base, span_id: serviceId, parent_span_id: rootId, operation: 'OrdersService.create', started_at: now - 45, duration_ms: 30.25 },
    { ...base, span_id: rootId, parent_span_id: null, operation: root, started_at: now - 50, duration_ms: 45.75 },
  ];
}

async function sendWithClient(server: DevServer, spans: SpanRecord[]): Promise<void> {
  // The key and domain exactly as `teracron-agent dev` prints them; no other setting.
  const client = createTeracronClient({ apiKey: server.apiKey, domain: server.domain }, { env: {} });
  client.start();
  for (const span of spans) client.enqueueSpan(span);
  await client.flush();
  await client.stop(5_000);
}

async function getJson<T>(server: DevServer, route: string): Promise<T> {
  const res = await fetch(new URL(route, server.url));
  assert.equal(res.status, 200, route);
  return (await res.json()) as T;
}

describe('local Teracron (teracron-agent dev)', () => {
  let root: string;
  let dataDir: string;
  let server: DevServer;

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'teracron-dev-'));
    dataDir = path.join(root, 'dev');
    // RSA-4096 generation takes seconds: once for the whole file.
    server = await startDevServer({ port: 0, dataDir });
  });

  after(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('accepts traces sent by the client with the printed key, decrypted and stored', async () => {
    const spans = traceSpans('checkout');
    await sendWithClient(server, spans);
    const traceId = spans[0]!.trace_id;
    const trace = await getJson<{ summary: { span_count: number; operation: string }; spans: SpanRecord[] }>(server, `/api/traces/${traceId}`);
    assert.equal(trace.summary.span_count, 3);
    assert.equal(trace.summary.operation, 'POST /orders');
    assert.deepEqual(new Set(trace.spans.map((s) => s.span_id)), new Set(spans.map((s) => s.span_id)));
    assert.ok(server.store.counts().spans >= 3);
  });

  it('answers 401 to an envelope made with another key', async () => {
    const payload = JSON.stringify({ type: 'trace', project_slug: server.slug, spans: traceSpans('intruder') });
    const res = await fetch(new URL('/api/v1/traces', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-project-slug': server.slug, 'x-project-mode': 'development' },
      body: encryptEnvelope(Buffer.from(payload), readVector<string>('test-public-key.pem')),
    });
    assert.equal(res.status, 401);
    const list = await getJson<Array<{ workflow: string }>>(server, '/api/traces?limit=100');
    assert.ok(!list.some((t) => t.workflow === 'intruder'));
  });

  it('keeps its key and its data across a restart on the same data directory', async () => {
    const spans = traceSpans('restart-check');
    await sendWithClient(server, spans);
    const before = server.store.counts();
    const apiKey = server.apiKey;
    await server.close();
    server = await startDevServer({ port: 0, dataDir });
    assert.equal(server.createdKeys, false);
    assert.equal(server.apiKey, apiKey);
    assert.deepEqual(server.store.counts(), before);
    const trace = await getJson<{ spans: SpanRecord[] }>(server, `/api/traces/${spans[0]!.trace_id}`);
    assert.equal(trace.spans.length, 3);
  });

  it('refuses requests whose Host is not a loopback name (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/traces', headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403);
  });

  it('`teracron-agent dev` prints the UI address, the key and the env lines, serves the UI, and stops on SIGINT', async () => {
    // A copy of the keys: reused (no new key pair), with a store of its own.
    const cliDir = path.join(root, 'cli');
    mkdirSync(cliDir, { mode: 0o700 });
    for (const file of [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, PROJECT_FILE]) copyFileSync(path.join(dataDir, file), path.join(cliDir, file));
    const agent = startAgent(['dev', '--port', '0', '--data', cliDir]);
    try {
      const uiLine = await agent.waitForLine(/^\s+UI:\s+http:\/\/127\.0\.0\.1:\d+\/$/);
      const keyLine = await agent.waitForLine(/^\s+TERACRON_API_KEY=tcn_/);
      const domainLine = await agent.waitForLine(/^\s+TERACRON_DOMAIN=127\.0\.0\.1:\d+$/);
      assert.equal(keyLine.trim(), `TERACRON_API_KEY=${server.apiKey}`);
      const url = uiLine.trim().split(/\s+/)[1]!;
      assert.equal(new URL(url).host, domainLine.trim().split('=')[1]);
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>Teracron · local<\/title>/);
      agent.child.kill('SIGINT');
      assert.equal(await agent.exited(), 0);
      assert.match(agent.stdout(), /local Teracron stopped/);
    } finally {
      agent.child.kill('SIGKILL');
    }
  });

  it('`teracron-agent tail` prints arriving spans as an indented tree', async () => {
    const agent = startAgent(['tail', '--url', `http://${server.domain}`]);
    try {
      await agent.waitForLine(/^following spans at /);
      const spans = traceSpans('tail-check', 'GET /tail');
      await sendWithClient(server, spans);
      await agent.waitForLine(/^trace [0-9a-f]{12}… tail-check {2}3 spans$/);
      await agent.waitForLine(/^ {6}✓ OrdersRepository\.insert {2}12\.5 ms$/);
      const out = agent.stdout();
      const tree = out.slice(out.indexOf('… tail-check')).split('\n').slice(1, 4);
      assert.deepEqual(tree, ['  ✓ GET /tail  45.8 ms', '    ✓ OrdersService.create  30.3 ms', '      ✓ OrdersRepository.insert  12.5 ms']);
      agent.child.kill('SIGINT');
      assert.equal(await agent.exited(), 0);
    } finally {
      agent.child.kill('SIGKILL');
    }
  });
});

/**
 * Teracron without Nest, as a user's plain Node process runs it (a child process against the
 * decrypting ingest): startTeracron twice returns the same client, a node:http server's requests
 * become root spans with the handler's spans under them, the trace header reaches a downstream
 * server through fetch and node:http and that server's span continues the trace, stopTeracron
 * twice is harmless and flushes; a worker script that just ends is flushed too.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { spawnFixtureApp, type FixtureProcess } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { repoRoot } from '../support/vectors';

const FIXTURES = path.join(repoRoot(), 'dist', 'test', 'fixtures', 'plain-node');

describe('a plain node:http server with startTeracron / stopTeracron', () => {
  let ingest: Awaited<ReturnType<typeof startTestIngest>>;
  let app: FixtureProcess;

  before(async () => {
    ingest = await startTestIngest();
    app = await spawnFixtureApp(path.join(FIXTURES, 'http-server.js'), { TERACRON_API_KEY: testApiKey(), TERACRON_DOMAIN: ingest.domain });
  });
  after(async () => {
    app?.kill();
    await ingest?.close();
  });

  it('startTeracron() twice returns the same running client', () => {
    assert.deepEqual(JSON.parse(app.firstLine), { port: app.port, sameClient: true, running: true });
  });

  it('records each request as a root span with the handler spans under it, and propagates the trace', async () => {
    const response = await fetch(`${app.url}/orders/42`);
    const received = (await response.json()) as { viaFetch: string; viaHttp: string };
    const [traceId, rootId] = response.headers.get('x-teracron-trace')!.split(':');
    // The request, load-order, two client spans and the two downstream request spans.
    await ingest.waitFor(() => ingest.spans().filter((s) => s.trace_id === traceId).length >= 6, 10_000);
    const spans = ingest.spans().filter((s) => s.trace_id === traceId);
    const root = spans.find((s) => s.span_id === rootId)!;
    assert.equal(root.operation, 'GET /orders/:id');
    assert.equal(root.workflow, 'http');
    assert.equal(root.parent_span_id, null);
    assert.equal(root.metadata?.['http.status_code'], 200);
    const load = spans.find((s) => s.operation === 'load-order')!;
    assert.equal(load.parent_span_id, root.span_id);
    // Each outbound request is a client span under the innermost span and carried its own id; the downstream server continued the trace under it.
    const clients = spans.filter((s) => s.workflow === 'http.client');
    assert.equal(clients.length, 2);
    assert.ok(clients.every((c) => c.parent_span_id === load.span_id && c.metadata?.['http.status_code'] === 200));
    const carried = new Set(clients.map((c) => `${traceId}:${c.span_id}`));
    assert.ok(carried.has(received.viaFetch) && carried.has(received.viaHttp) && received.viaFetch !== received.viaHttp);
    const downstream = spans.filter((s) => s.operation === 'GET /stock');
    assert.equal(downstream.length, 2);
    assert.deepEqual(new Set(downstream.map((s) => s.parent_span_id)), new Set(clients.map((c) => c.span_id)));
  });

  it('stopTeracron() twice (and once more) stops the client after its final flush', async () => {
    const before = ingest.spans().length;
    await fetch(`${app.url}/orders/7`).then((r) => r.arrayBuffer());
    app.child.kill('SIGTERM');
    const stopped = await new Promise<string>((resolve) => createInterface({ input: app.child.stdout! }).once('line', resolve));
    const exit = await app.exited;
    assert.equal(exit.code, 0, app.output());
    const summary = JSON.parse(stopped) as { stopped: boolean; running: boolean; sent: number };
    assert.equal(summary.stopped, true);
    assert.equal(summary.running, false);
    // The last request's spans left in the final flush.
    assert.ok(ingest.spans().length >= before + 4, `${ingest.spans().length - before} spans after the last request`);
    assert.equal(summary.sent, ingest.spans().length);
  });
});

describe('a worker script with startTeracron and no stop', () => {
  it('is flushed when it ends', async () => {
    const ingest = await startTestIngest();
    try {
      const child = spawn(process.execPath, [path.join(FIXTURES, 'worker.js')], {
        env: { ...process.env, TERACRON_API_KEY: testApiKey(), TERACRON_DOMAIN: ingest.domain },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stderr.on('data', (chunk: Buffer) => (output += chunk));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 0, output);
      const spans = ingest.spans();
      const compile = spans.find((s) => s.operation === 'compile');
      assert.ok(compile, `spans: ${spans.map((s) => s.operation).join(', ')}`);
      assert.deepEqual(spans.filter((s) => s.parent_span_id === compile.span_id).map((s) => s.operation).sort(), ['load-rows', 'render']);
    } finally {
      await ingest.close();
    }
  });
});

/**
 * The Python SDK v0.6.1 against `teracron-agent dev --https-port`, with the environment lines the
 * command prints and nothing else: a client that behaves as v0.6.1 on the wire (no mode header,
 * the wheel's /v1 paths, the older key format, HTTPS with the printed certificate) delivers
 * metrics, spans and events that the UI's API shows; so does a Python client written from
 * PROTOCOL.md (needs /usr/bin/python3 with the Debian packages python3-cryptography and python3-requests).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SpanRecord, WorkflowEventRecord } from '../../lib/core/types';
import { startAgent, type AgentProcess } from '../support/agent-cli';
import { V061Client, type Env } from '../support/python-v061-client';
import { repoRoot } from '../support/vectors';

const PYTHON_ENV = ['TERACRON_API_KEY', 'TERACRON_DOMAIN', 'TERACRON_ALLOW_CUSTOM_DOMAIN', 'REQUESTS_CA_BUNDLE'];

/** A Python 3 with cryptography and requests, or a loud failure naming the packages. */
function pythonWithDeps(): string {
  const python = process.env.TERACRON_TEST_PYTHON ?? '/usr/bin/python3';
  try {
    execFileSync(python, ['-c', 'import cryptography, requests'], { stdio: 'ignore' });
    return python;
  } catch {
    throw new Error(`${python} with cryptography and requests is needed: install the Debian packages python3-cryptography and python3-requests (or set TERACRON_TEST_PYTHON to such a Python).`);
  }
}

describe('the Python SDK v0.6.1 against teracron-agent dev', () => {
  let root: string;
  let agent: AgentProcess;
  let uiUrl: string;
  let devKey: string;
  const pythonEnv: Env = {};

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'teracron-python-'));
    agent = startAgent(['dev', '--port', '0', '--https-port', '0', '--data', path.join(root, 'dev')]);
    uiUrl = (await agent.waitForLine(/^\s+UI:\s+http:\/\//, 90_000)).trim().split(/\s+/)[1]!;
    devKey = (await agent.waitForLine(/^\s+TERACRON_API_KEY=tcn_/)).trim().split('=')[1]!;
    await agent.waitForLine(/^\s+REQUESTS_CA_BUNDLE=/);
    // The block the command prints for Python, read as a user would copy it.
    const out = agent.stdout();
    const block = out.slice(out.indexOf('The Python SDK 0.6.1'));
    for (const line of block.split('\n').slice(1, 5)) {
      const [name, ...value] = line.trim().split('=');
      pythonEnv[name!] = value.join('=');
    }
    assert.deepEqual(Object.keys(pythonEnv), PYTHON_ENV);
  });

  after(async () => {
    agent?.child.kill('SIGINT');
    await agent?.exited().catch(() => agent.child.kill('SIGKILL'));
    rmSync(root, { recursive: true, force: true });
  });

  async function api<T>(route: string): Promise<T> {
    const res = await fetch(new URL(route, uiUrl));
    assert.equal(res.status, 200, route);
    return (await res.json()) as T;
  }

  it('prints the key in the older format too, since v0.6.1 refuses the dev key, and a certificate file', () => {
    assert.throws(() => new V061Client({ ...pythonEnv, TERACRON_API_KEY: devKey }), /invalid slug component: 'dev'/);
    assert.throws(() => new V061Client({ ...pythonEnv, TERACRON_ALLOW_CUSTOM_DOMAIN: undefined }), /TERACRON_ALLOW_CUSTOM_DOMAIN/);
    assert.match(pythonEnv.TERACRON_DOMAIN!, /^127\.0\.0\.1:\d+$/);
    assert.ok(existsSync(pythonEnv.REQUESTS_CA_BUNDLE!));
  });

  it('takes metrics, spans and events from a client that behaves as v0.6.1, and shows them', async () => {
    const client = new V061Client(pythonEnv);
    const traceId = randomBytes(16).toString('hex');
    const [rootId, childId] = [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')];
    const now = Date.now();
    const base = { trace_id: traceId, workflow: 'v061-checkout', status: 'succeeded' as const, error_type: null, error_message: null, metadata: null, captured_params: null };
    const spans: SpanRecord[] = [
      { ...base, span_id: childId, parent_span_id: rootId, operation: 'PaymentService.charge_card', started_at: now - 40, duration_ms: 12.5 },
      { ...base, span_id: rootId, parent_span_id: null, operation: 'POST /orders', started_at: now - 50, duration_ms: 30.25 },
    ];
    const event: WorkflowEventRecord = { type: 'workflow_completed', workflow: 'v061-checkout', trace_id: traceId, span_id: rootId, operation: 'POST /orders', severity: 'info', timestamp: now };
    const rss = 123_456_789;
    assert.equal(await client.sendMetrics([{ timestamp: now, heap_total: 8e7, heap_used: 6e7, rss, external: 0, array_buffers: 0, cpu_usage: 0.125, event_loop_lag_ms: -1 }]), 202);
    assert.equal(await client.sendSpans(spans), 202);
    assert.equal(await client.sendEvents([event]), 202);

    const trace = await api<{ summary: { operation: string; span_count: number } }>(`/api/traces/${traceId}`);
    assert.deepEqual([trace.summary.operation, trace.summary.span_count], ['POST /orders', 2]);
    assert.ok((await api<WorkflowEventRecord[]>('/api/events?limit=100')).some((e) => e.trace_id === traceId));
    const points = await api<Array<{ rss: number; cpu_pct: number }>>('/api/metrics?limit=100');
    assert.ok(points.some((p) => p.rss === rss && p.cpu_pct === 12.5));
  });

  it('takes the same from a Python client written from PROTOCOL.md', async () => {
    const python = pythonWithDeps();
    const script = path.join(repoRoot(), 'test', 'support', 'python', 'teracron_v061_client.py');
    const env = { PATH: process.env.PATH, ...pythonEnv };
    const { stdout } = await promisify(execFile)(python, [script], { env, timeout: 60_000 });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { statuses: Record<string, number>; trace_id: string };
    assert.deepEqual(result.statuses, { metrics: 202, traces: 202, events: 202 });
    const trace = await api<{ summary: { workflow: string; span_count: number } }>(`/api/traces/${result.trace_id}`);
    assert.deepEqual([trace.summary.workflow, trace.summary.span_count], ['python-checkout', 2]);
    assert.ok((await api<WorkflowEventRecord[]>('/api/events?limit=100')).some((e) => e.trace_id === result.trace_id));
    assert.ok((await api<Array<{ rss: number }>>('/api/metrics?limit=100')).some((p) => p.rss === 90_000_000));
  });
});

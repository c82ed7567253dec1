/**
 * The local Teracron under hostile input: a fuzz of request targets, methods, headers and bodies
 * leaves it up with every request answered and no unhandled rejection; only loopback Host names
 * are answered; cross-origin browser writes store nothing; and what it acknowledged with 202 is
 * on disk when the process is killed right after.
 */
import { describe, it, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PRIVATE_KEY_FILE, PROJECT_FILE, PUBLIC_KEY_FILE } from '../../lib/agent/dev/dev-keys';
import { startDevServer, type DevServer } from '../../lib/agent/dev/dev-server';
import { decodeApiKey } from '../../lib/core/config/api-key';
import { encryptEnvelope } from '../../lib/core/crypto/envelope';
import type { SpanRecord } from '../../lib/core/types';
import { startAgent } from '../support/agent-cli';
import { sendRaw, type RawExchange } from '../support/raw-http';

const FUZZ_REQUESTS = 10_000;
const FUZZ_CONCURRENCY = 16;

/** mulberry32: a small seeded generator, so a failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function span(traceId: string, overrides: Partial<SpanRecord> = {}): SpanRecord {
  return {
    trace_id: traceId,
    span_id: randomBytes(8).toString('hex'),
    parent_span_id: null,
    workflow: 'fuzz',
    operation: 'op',
    status: 'succeeded',
    started_at: Date.now(),
    duration_ms: 1,
    error_type: null,
    error_message: null,
    metadata: null,
    captured_params: null,
    ...overrides,
  };
}

function sealedTraces(server: { apiKey: string; slug: string }, spans: SpanRecord[]): Buffer {
  const { publicKeyPem } = decodeApiKey(server.apiKey);
  return encryptEnvelope(Buffer.from(JSON.stringify({ type: 'trace', project_slug: server.slug, spans })), publicKeyPem);
}

/** A POST of sealed spans with node:http; resolves with the status. */
function postSpans(port: number, server: { apiKey: string; slug: string }, spans: SpanRecord[], headers: Record<string, string> = {}): Promise<number> {
  const body = sealedTraces(server, spans);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/v1/traces', agent: false, headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length), 'x-project-slug': server.slug, 'x-project-mode': 'development', ...headers } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function fuzzExchange(random: () => number, server: DevServer, envelope: Buffer): RawExchange {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const junk = (max: number, alphabet: string) => Array.from({ length: Math.floor(random() * max) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  if (random() < 0.15) {
    // A well-formed ingest request, so the fuzz also reaches the rate limit, decryption and parsing.
    const body = pick([envelope, randomBytes(600), Buffer.concat([envelope.subarray(0, 600), randomBytes(40)])]);
    const mode = pick([['x-project-mode', 'development'], ['x-project-mode', 'production'], undefined] as const);
    const headers: Array<[string, string]> = [['host', `127.0.0.1:${server.port}`], ['content-type', 'application/octet-stream'], ['x-project-slug', pick([server.slug, 'other-slug-123'])], ['content-length', String(body.length)]];
    return { method: 'POST', target: pick(['/api/v1/traces', '/v1/traces', '/api/v1/events', '/api/ingest']), headers: mode ? [...headers, [mode[0], mode[1]]] : headers, body };
  }
  const targets = ['//[', '/', '/index.html', '/assets/app.css', '/api/summary', '/api/traces', '/api/traces?limit=-1', '/api/traces?limit=1e309', `/api/traces/${'a'.repeat(64)}`, '/api/traces/%00', '/api/events?limit=abc', '/api/metrics', '/api/stream', '/api/v1/traces', '/api/v1/events', '/api/ingest', '/v1/traces', '/v1/events', '*', 'http://evil.example/', '//evil.example/x', '/%', '/%zz%', '/..%2f..%2fetc/passwd', `/${'x'.repeat(9000)}`, '/api/traces/../../summary', '/?a=%E0%A4%A'];
  const target = random() < 0.8 ? pick(targets) : '/' + junk(60, "abcXYZ019-._~!$&'()*+,;=:@%/?#[]{}|\\^`\"<>");
  const method = random() < 0.9 ? pick(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']) : junk(8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') || 'GET';
  const headers: Array<[string, string]> = [];
  const host = random();
  if (host < 0.7) headers.push(['host', `127.0.0.1:${server.port}`]);
  else if (host < 0.8) headers.push(['host', 'evil.example']);
  else if (host < 0.9) headers.push(['host', pick(['localhost', '[::1]:1', 'LOCALHOST:80', '127.0.0.1.nip.io', ''])]);
  if (random() < 0.5) headers.push(['content-type', pick(['application/octet-stream', 'application/octet-stream; charset=x', 'text/plain', 'application/json', ''])]);
  if (random() < 0.5) headers.push(['x-project-slug', pick([server.slug, 'dev', 'vivid-kudu-655', junk(20, 'abc-123'), 'a'.repeat(300)])]);
  if (random() < 0.4) headers.push(['x-project-mode', pick(['development', 'production', 'staging', ''])]);
  if (random() < 0.2) headers.push(['origin', pick(['http://evil.example', 'null', `http://127.0.0.1:${server.port}`])]);
  if (random() < 0.2) headers.push(['sec-fetch-site', pick(['cross-site', 'same-site', 'same-origin', 'none'])]);
  if (random() < 0.1) headers.push(['accept', 'text/event-stream']);
  if (random() < 0.05) headers.push([junk(10, 'abc'), junk(30, 'abc\u00ff\u0001')]);
  const bodyKind = random();
  const body = bodyKind < 0.5 ? Buffer.alloc(0) : bodyKind < 0.7 ? randomBytes(Math.floor(random() * 2048)) : bodyKind < 0.9 ? envelope : randomBytes(70_000);
  if (random() < 0.95) headers.push(['content-length', String(body.length)]);
  else if (body.length > 0) return { method, target, headers: [...headers, ['transfer-encoding', 'chunked']], body: Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]) };
  return { method, target, headers, body };
}

// One RSA-4096 key pair for the file (it takes seconds); each test gets a data directory and a
// store of its own, so one test's traffic (and rate-limit windows) never reaches another's.
const root = mkdtempSync(path.join(os.tmpdir(), 'teracron-hardening-'));
let keysDir: string;
let dirs = 0;

before(async () => {
  keysDir = path.join(root, 'keys');
  await (await startDevServer({ port: 0, dataDir: keysDir })).close();
});

after(() => rmSync(root, { recursive: true, force: true }));

/** A data directory holding the file's key pair and no data. */
function freshDataDir(): string {
  const dir = path.join(root, `dev-${++dirs}`);
  mkdirSync(dir, { mode: 0o700 });
  for (const file of [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, PROJECT_FILE]) copyFileSync(path.join(keysDir, file), path.join(dir, file));
  return dir;
}

describe('local Teracron under hostile input', () => {
  let server: DevServer;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeEach(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startDevServer({ port: 0, dataDir: freshDataDir() });
  });

  afterEach(async () => {
    process.removeListener('unhandledRejection', onUnhandled);
    await server?.close();
  });

  it('answers GET //[ with 400 and stays up', async () => {
    assert.equal(await sendRaw(server.port, { method: 'GET', target: '//[', headers: [['host', `127.0.0.1:${server.port}`]] }), 400);
    assert.equal((await fetch(new URL('/api/summary', server.url))).status, 200);
  });

  it(`answers all of ${FUZZ_REQUESTS} fuzzed requests, never with a 500, and stays up with no unhandled rejection`, async (t) => {
    const seed = Number(process.env.TERACRON_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const random = prng(seed);
    const envelope = sealedTraces(server, [span(randomBytes(16).toString('hex'))]);
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < FUZZ_REQUESTS) {
        next++;
        const exchange = fuzzExchange(random, server, envelope);
        const status = await sendRaw(server.port, exchange);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        assert.ok(status >= 200 && status < 600 && status !== 500, `seed ${seed}: ${exchange.method} ${JSON.stringify(exchange.target.slice(0, 80))} answered ${status}`);
      }
    };
    await Promise.all(Array.from({ length: FUZZ_CONCURRENCY }, worker));
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    t.diagnostic(`seed ${seed}: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    assert.equal(total, FUZZ_REQUESTS);
    // The fuzz reached the guard, the ingest checks and the UI routes alike.
    for (const status of [200, 202, 400, 401, 403, 404, 405, 429]) assert.ok((statuses.get(status) ?? 0) > 0, `seed ${seed}: no ${status} among ${JSON.stringify([...statuses])}`);
    assert.equal((await fetch(new URL('/api/summary', server.url))).status, 200);
    assert.deepEqual(unhandled, []);
  });

  it('answers 403 to Host: evil.example on every route, ingest included', async () => {
    const routes: Array<[string, string]> = [['GET', '/'], ['GET', '/assets/app.css'], ['GET', '/api/summary'], ['GET', '/api/traces'], ['GET', '/api/stream'], ['GET', '/api/traces/abc'], ['GET', '/nowhere'], ['GET', '//['], ['POST', '/api/v1/traces'], ['POST', '/api/v1/events'], ['POST', '/api/ingest'], ['POST', '/v1/traces'], ['POST', '/v1/events'], ['GET', '/api/v1/traces']];
    const body = sealedTraces(server, [span(randomBytes(16).toString('hex'), { workflow: 'rebinding' })]);
    for (const [method, target] of routes) {
      const headers: Array<[string, string]> = [['host', 'evil.example'], ['content-type', 'application/octet-stream'], ['x-project-slug', server.slug], ['content-length', String(method === 'POST' ? body.length : 0)]];
      assert.equal(await sendRaw(server.port, { method, target, headers, body: method === 'POST' ? body : undefined }), 403, `${method} ${target}`);
    }
    assert.ok(!server.store.listTraces(1000).some((t) => t.workflow === 'rebinding'));
  });

  it('keeps the API and the live stream from pages of other sites, but lets them link to the UI', async () => {
    const host: [string, string] = ['host', `127.0.0.1:${server.port}`];
    for (const target of ['/api/stream', '/api/traces', '/api/summary']) {
      assert.equal(await sendRaw(server.port, { method: 'GET', target, headers: [host, ['sec-fetch-site', 'cross-site']] }), 403, target);
    }
    assert.equal(await sendRaw(server.port, { method: 'GET', target: '/', headers: [host, ['sec-fetch-site', 'cross-site']] }), 200);
    assert.equal(await sendRaw(server.port, { method: 'GET', target: '/api/traces', headers: [host, ['sec-fetch-site', 'same-origin']] }), 200);
  });

  it('stores nothing from a cross-origin POST, with or without a preflight-free content type', async () => {
    const traceId = randomBytes(16).toString('hex');
    const evil = { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' };
    assert.equal(await postSpans(server.port, server, [span(traceId)], evil), 403);
    assert.equal(await postSpans(server.port, server, [span(traceId)], { ...evil, 'content-type': 'text/plain' }), 403);
    assert.equal(await postSpans(server.port, server, [span(traceId)], { origin: 'null' }), 403);
    assert.equal(server.store.getTrace(traceId), undefined);
    // The same request from an SDK (no Origin) is stored.
    assert.equal(await postSpans(server.port, server, [span(traceId)]), 202);
    assert.equal(server.store.getTrace(traceId)?.spans.length, 1);
  });
});

describe('teracron-agent tail with hostile span names', () => {
  it('prints names holding ESC, BEL, CR and bidi characters without any of those bytes', async () => {
    const server = await startDevServer({ port: 0, dataDir: freshDataDir() });
    const agent = startAgent(['tail', '--url', `http://${server.domain}`]);
    try {
      await agent.waitForLine(/^following spans at /);
      const traceId = randomBytes(16).toString('hex');
      const hostile = {
        workflow: 'wf\u001b[2J',
        operation: 'GET /\u001b]0;owned\u0007\u001b]52;c;cm0gLXJmIH4=\u0007\rdone\u202eevil\u2066',
        status: 'failed' as const,
        error_type: 'Boom\u0007',
        error_message: 'line\u000d\u001b[1Amessage\u200f',
      };
      assert.equal(await postSpans(server.port, server, [span(traceId, hostile)]), 202);
      await agent.waitForLine(/done/);
      const out = Buffer.from(agent.stdout(), 'utf8');
      for (const byte of [0x1b, 0x07, 0x0d]) assert.equal(out.indexOf(byte), -1, `byte 0x${byte.toString(16)} printed`);
      const text = out.toString('utf8');
      assert.doesNotMatch(text, /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u0080-\u009f]/);
      assert.match(text, /GET \/\\x1b\]0;owned\\x07/);
      agent.child.kill('SIGINT');
      assert.equal(await agent.exited(), 0);
    } finally {
      agent.child.kill('SIGKILL');
      await server.close();
    }
  });
});

describe('local Teracron: a 202 means stored', () => {
  it('keeps every batch it acknowledged before a SIGKILL', async () => {
    const dataDir = freshDataDir();
    // The key and slug the child will use (the file's key pair).
    const made = await startDevServer({ port: 0, dataDir });
    const project = { apiKey: made.apiKey, slug: made.slug };
    await made.close();
    const agent = startAgent(['dev', '--port', '0', '--data', dataDir]);
    const acknowledged: string[] = [];
    try {
      const uiLine = await agent.waitForLine(/^\s+UI:\s+http:\/\/127\.0\.0\.1:\d+\/$/);
      const port = Number(new URL(uiLine.trim().split(/\s+/)[1]!).port);
      // 25 batches of 12 spans (300 spans) at once, within the traces rate limit of 30 a minute;
      // the process is killed as soon as 20 of them are acknowledged, the others still in flight.
      const traceIds = Array.from({ length: 25 }, () => randomBytes(16).toString('hex'));
      await new Promise<void>((resolve) => {
        let settled = 0;
        for (const traceId of traceIds) {
          const spans = Array.from({ length: 12 }, () => span(traceId));
          postSpans(port, project, spans)
            .then((status) => {
              if (status === 202) acknowledged.push(traceId);
              if (acknowledged.length === 20) agent.child.kill('SIGKILL');
            })
            .catch(() => undefined)
            .finally(() => ++settled === traceIds.length && resolve());
        }
      });
      assert.equal(await agent.exited(), 'SIGKILL');
    } finally {
      agent.child.kill('SIGKILL');
    }
    assert.ok(acknowledged.length >= 20, `${acknowledged.length} batches acknowledged`);
    const restarted = await startDevServer({ port: 0, dataDir });
    try {
      const missing = acknowledged.filter((traceId) => restarted.store.getTrace(traceId)?.spans.length !== 12);
      assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged batches lost`);
    } finally {
      await restarted.close();
    }
  });
});

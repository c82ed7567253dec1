/**
 * Trace ids in log lines of real apps, one child process per logger: Nest's ConsoleLogger (text,
 * the default app logger, and `json: true`), nestjs-pino with the mixin, nest-winston with the
 * format. A line written in a `@Trace` method carries exactly that span's ids (checked against the
 * spans at the ingest), a line in the controller the request span's; start-up lines and an
 * excluded route carry none; 10 000 requests, 500 in flight at a time, never mix ids.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import type { SpanRecord } from '../../lib/core/types';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { repoRoot } from '../support/vectors';

const LOGGERS = ['console-text', 'console-json', 'pino', 'winston'] as const;
type LoggerKind = (typeof LOGGERS)[number];

const WAIT_MS = 20_000;
const CHECKED_AT_INGEST = 20;
const CONCURRENT_REQUESTS = 10_000;
const IN_FLIGHT = 500;

interface LogLine {
  message: string;
  trace_id: string | undefined;
  span_id: string | undefined;
  raw: string;
}

const TEXT_IDS = / trace_id=([0-9a-f]+)(?: span_id=([0-9a-f]+))?/;

/** One stdout line of the app, whatever the logger: its message and the ids it carries. */
function parseLine(kind: LoggerKind, raw: string): LogLine {
  if (kind === 'console-text') {
    const ids = TEXT_IDS.exec(raw);
    const message = / (?:LOG|WARN|ERROR|DEBUG|VERBOSE) \[[^\]]+\] (.*?)(?: trace_id=| \+\d+ms|$)/.exec(raw)?.[1] ?? raw;
    return { message, trace_id: ids?.[1], span_id: ids?.[2], raw };
  }
  const record = JSON.parse(raw) as Record<string, unknown>;
  const message = String(record.message ?? record.msg ?? '');
  return { message, trace_id: record.trace_id as string | undefined, span_id: record.span_id as string | undefined, raw };
}

class LoggingApp {
  readonly lines: LogLine[] = [];
  private readonly waiters = new Set<() => void>();
  private constructor(
    readonly child: ChildProcess,
    readonly kind: LoggerKind,
  ) {}

  port = 0;
  /** Lines printed before the app listened: Nest's start-up logs. */
  startupLines: LogLine[] = [];

  static async start(kind: LoggerKind, ingest: IngestServer): Promise<LoggingApp> {
    const script = path.join(repoRoot(), 'dist', 'test', 'fixtures', 'log-correlation', 'app.js');
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, LOGGER: kind, TERACRON_API_KEY: testApiKey(), TERACRON_DOMAIN: ingest.domain, NO_COLOR: '1', TERACRON_TRACE_ADAPTIVE_SAMPLING: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new LoggingApp(child, kind);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const listening = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the ${kind} app exited (code ${code}) before listening:\n${stderr}`)));
      createInterface({ input: child.stdout! }).on('line', (raw) => {
        if (raw.startsWith('{"fixturePort":')) {
          app.port = (JSON.parse(raw) as { fixturePort: number }).fixturePort;
          app.startupLines = app.lines.splice(0);
          resolve();
          return;
        }
        if (raw.trim() === '') return;
        app.lines.push(parseLine(kind, raw));
        for (const wake of app.waiters) wake();
      });
    });
    await listening;
    return app;
  }

  /** Resolves once `predicate` holds for the lines read so far (lines arrive after the responses). */
  waitForLines(predicate: (lines: LogLine[]) => boolean): Promise<void> {
    if (predicate(this.lines)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`the ${this.kind} app did not log what was expected within ${WAIT_MS} ms (${this.lines.length} lines)`));
      }, WAIT_MS);
      const check = (): void => {
        if (!predicate(this.lines)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  line(message: string): LogLine {
    const found = this.lines.find((line) => line.message === message);
    assert.ok(found, `no line "${message}"`);
    return found;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** X-Teracron-Trace of a response: TRACE:SPAN of the request span. */
function headerIds(headers: Record<string, string | string[] | undefined>): { traceId: string; spanId: string } {
  const [traceId, spanId] = String(headers['x-teracron-trace']).split(':');
  assert.ok(traceId && spanId, 'the response names its trace and request span');
  return { traceId, spanId };
}

for (const kind of LOGGERS) {
  describe(`log correlation with ${kind}`, () => {
    let ingest: IngestServer;
    let app: LoggingApp;
    let pool: Pool;

    before(async () => {
      ingest = await startTestIngest();
      app = await LoggingApp.start(kind, ingest);
      pool = new Pool(`http://127.0.0.1:${app.port}`, { connections: IN_FLIGHT });
    });

    after(async () => {
      await pool?.close();
      await app?.stop();
      await ingest?.close();
    });

    async function get(pathname: string): Promise<{ traceId: string; spanId: string } | undefined> {
      const response = await pool.request({ method: 'GET', path: pathname });
      assert.equal(response.statusCode, 200);
      await response.body.text();
      return response.headers['x-teracron-trace'] === undefined ? undefined : headerIds(response.headers);
    }

    it('writes start-up lines and the lines of an excluded route without ids', async () => {
      if (kind !== 'pino') assert.ok(app.startupLines.length > 0, 'Nest logged its start-up');
      assert.deepEqual(app.startupLines.filter((line) => line.trace_id !== undefined || line.span_id !== undefined).map((line) => line.raw), []);
      assert.equal(await get('/health'), undefined, 'the excluded route has no trace');
      await app.waitForLines((lines) => lines.some((line) => line.message === 'health check'));
      const health = app.line('health check');
      assert.equal(health.trace_id, undefined);
      assert.equal(health.span_id, undefined);
      assert.doesNotMatch(health.raw, /trace_id|span_id/);
    });

    it('gives a line in a @Trace method exactly that span’s ids, and a line in the controller the request span’s', async () => {
      const ids = Array.from({ length: CHECKED_AT_INGEST }, (_, i) => `checked-${i}`);
      const headers = await Promise.all(ids.map((id) => get(`/orders/${id}`)));
      const placeOf = (id: string): SpanRecord | undefined => ingest.spans().find((span) => span.operation === 'OrdersService.place' && span.captured_params?.id === id);
      await ingest.waitFor(() => ids.every((id) => placeOf(id) !== undefined), WAIT_MS);
      await app.waitForLines((lines) => ids.every((id) => lines.some((line) => line.message === `placing order ${id}`)));
      ids.forEach((id, i) => {
        const place = placeOf(id)!;
        const request = ingest.spans().find((span) => span.span_id === place.parent_span_id);
        assert.equal(request?.operation, 'GET /orders/:id');
        const serviceLine = app.line(`placing order ${id}`);
        assert.equal(serviceLine.trace_id, place.trace_id);
        assert.equal(serviceLine.span_id, place.span_id);
        const controllerLine = app.line(`received order ${id}`);
        assert.equal(controllerLine.trace_id, request!.trace_id);
        assert.equal(controllerLine.span_id, request!.span_id);
        assert.deepEqual(headers[i], { traceId: request!.trace_id, spanId: request!.span_id });
      });
    });

    it(`never mixes ids across ${CONCURRENT_REQUESTS} requests, ${IN_FLIGHT} in flight`, async () => {
      const ids = Array.from({ length: CONCURRENT_REQUESTS }, (_, i) => `load-${i}`);
      const linesBefore = app.lines.length;
      const headers = await Promise.all(ids.map((id) => get(`/orders/${id}`)));
      const byMessage = new Map<string, LogLine>();
      let indexed = linesBefore;
      // Indexes lines as they come; the full check runs only once enough lines are in.
      await app.waitForLines((lines) => {
        for (; indexed < lines.length; indexed++) byMessage.set(lines[indexed]!.message, lines[indexed]!);
        return lines.length - linesBefore >= CONCURRENT_REQUESTS * 2 && ids.every((id) => byMessage.has(`received order ${id}`) && byMessage.has(`placing order ${id}`));
      });
      const serviceSpans = new Set<string>();
      ids.forEach((id, i) => {
        const { traceId, spanId } = headers[i]!;
        const controllerLine = byMessage.get(`received order ${id}`);
        const serviceLine = byMessage.get(`placing order ${id}`);
        assert.equal(controllerLine?.trace_id, traceId, `controller line of ${id}`);
        assert.equal(controllerLine?.span_id, spanId, `controller line of ${id}`);
        assert.equal(serviceLine?.trace_id, traceId, `service line of ${id}`);
        assert.match(serviceLine?.span_id ?? '', /^[0-9a-f]{32}$/);
        assert.notEqual(serviceLine?.span_id, spanId, `the service line of ${id} names its @Trace span, not the request span`);
        serviceSpans.add(serviceLine!.span_id!);
      });
      assert.equal(serviceSpans.size, CONCURRENT_REQUESTS, 'every @Trace span id appears on exactly one request’s line');
      assert.equal(new Set(headers.map((h) => h!.traceId)).size, CONCURRENT_REQUESTS);
    });
  });
}

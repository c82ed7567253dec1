/**
 * A process that ends with spans still queued spools them, encrypted, into a 0700 folder of 0600
 * files, and the next start ships them all and deletes them: after `process.exit()`, an uncaught
 * exception, a SIGTERM or SIGINT nobody handles (the process still dies of it) and a SIGTERM the app handles.
 * Children run the compiled fixture; the next start is a client in this process.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTeracronClient } from '../../lib/core/client';
import { SPOOL_FILE_SUFFIX } from '../../lib/core/spool/spool-folder';
import { PLATFORMS, responseTraceIds, spawnFixtureApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { repoRoot } from '../support/vectors';

const SCRIPT = path.join(repoRoot(), 'dist', 'test', 'fixtures', 'crash-spool-app.js');
const NEST_APP = path.join(repoRoot(), 'dist', 'test', 'fixtures', 'shutdown-app.js');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the fixture; for the signal modes, sends the signal once it says it is ready. */
function runFixture(env: Record<string, string>, signalWhenReady?: NodeJS.Signals): Promise<Exit> {
  const child = spawn(process.execPath, [SCRIPT], { env: { ...process.env, TERACRON_SPOOL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (signalWhenReady && !signalled && stdout.includes('ready\n')) {
      signalled = true;
      child.kill(signalWhenReady);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
}

function spoolFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith(SPOOL_FILE_SUFFIX));
}

const MODES: Array<{ mode: string; signal?: NodeJS.Signals; check(exit: Exit): void }> = [
  { mode: 'exit', check: (exit) => assert.equal(exit.code, 0) },
  {
    mode: 'throw',
    check: (exit) => {
      assert.equal(exit.code, 1);
      assert.match(exit.stderr, /the app crashed right after its spans/, 'the uncaught exception is still reported');
    },
  },
  { mode: 'sigterm', signal: 'SIGTERM', check: (exit) => assert.equal(exit.signal, 'SIGTERM', 'the process dies of the signal, as without us') },
  { mode: 'sigint', signal: 'SIGINT', check: (exit) => assert.equal(exit.signal, 'SIGINT', 'the process dies of the signal, as without us') },
  {
    mode: 'sigterm-signal-exit',
    signal: 'SIGTERM',
    check: (exit) => {
      assert.equal(exit.signal, 'SIGTERM', 'neither listener defers to the other forever');
      assert.match(exit.stdout, /signal-exit callbacks ran/);
    },
  },
  {
    mode: 'sigterm-handled',
    signal: 'SIGTERM',
    check: (exit) => {
      assert.equal(exit.code, 0);
      assert.match(exit.stdout, /handled/, "the app's own handler ran");
    },
  },
  {
    mode: 'sigterm-self-removing',
    signal: 'SIGTERM',
    check: (exit) => {
      assert.equal(exit.code, 0, 'the app handled the signal: our listener, run after it removed itself, must not re-raise it');
      assert.match(exit.stdout, /cleaned up/, "the app's handler finished its asynchronous cleanup");
    },
  },
];

describe('crash spool', () => {
  for (const { mode, signal, check } of MODES) {
    it(`${mode}: all 280 spans arrive after the next start; the folder is 0700, its files 0600, and empty once shipped`, async () => {
      const ingest = await startTestIngest();
      const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'teracron-crash-')), 'spool');
      const next = createTeracronClient({ apiKey: testApiKey(), domain: ingest.domain, spool: dir, logger: { debug() {}, warn() {}, error() {} } }, { env: {}, collectMetrics: false });
      try {
        const exit = await runFixture({ CRASH_MODE: mode, TERACRON_API_KEY: testApiKey(), TERACRON_DOMAIN: ingest.domain, TERACRON_SPOOL: dir }, signal);
        check(exit);
        assert.equal(ingest.requests().length, 0, 'the crashed process sent nothing');
        assert.equal(statSync(dir).mode & 0o777, 0o700);
        const files = spoolFiles(dir);
        assert.equal(files.length, 3, 'three envelopes of at most 100 spans');
        for (const file of files) assert.equal(statSync(path.join(dir, file)).mode & 0o777, 0o600);

        next.start();
        await ingest.waitFor((s) => s.spans().length >= 280, 10_000);
        await new Promise<void>((resolve) => setImmediate(resolve));
        const operations = new Set(ingest.spans().map((s) => s.operation));
        assert.equal(ingest.spans().length, 280);
        assert.equal(operations.size, 280);
        assert.ok(operations.has('step-0') && operations.has('step-279'));
        assert.deepEqual(readdirSync(dir), [], 'shipped files are deleted');
        assert.equal(next.stats().spans.enqueued, 280);
      } finally {
        await next.stop(1000);
        await ingest.close();
        rmSync(path.dirname(dir), { recursive: true, force: true });
      }
    });
  }

  it('the default folder is <os.tmpdir()>/teracron-spool-<uid>; TERACRON_SPOOL=off writes nothing', async () => {
    const ingest = await startTestIngest();
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'teracron-tmpdir-'));
    const off = mkdtempSync(path.join(os.tmpdir(), 'teracron-tmpdir-'));
    try {
      const env = { CRASH_MODE: 'exit', TERACRON_API_KEY: testApiKey(), TERACRON_DOMAIN: ingest.domain };
      assert.equal((await runFixture({ ...env, TMPDIR: tmp })).code, 0);
      assert.deepEqual(readdirSync(tmp), [`teracron-spool-${process.getuid?.() ?? 'user'}`]);
      assert.equal(spoolFiles(path.join(tmp, readdirSync(tmp)[0]!)).length, 3);
      assert.equal((await runFixture({ ...env, TMPDIR: off, TERACRON_SPOOL: 'off' })).code, 0);
      assert.deepEqual(readdirSync(off), []);
    } finally {
      await ingest.close();
      rmSync(tmp, { recursive: true, force: true });
      rmSync(off, { recursive: true, force: true });
    }
  });

  for (const platform of PLATFORMS) {
    it(`a Nest app on ${platform} without enableShutdownHooks(): SIGTERM still kills it, and its request's spans arrive after the next start`, async () => {
      const ingest = await startTestIngest();
      const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'teracron-crash-')), 'spool');
      const next = createTeracronClient({ apiKey: testApiKey(), domain: ingest.domain, spool: dir, logger: { debug() {}, warn() {}, error() {} } }, { env: {}, collectMetrics: false });
      const fixture = await spawnFixtureApp(NEST_APP, { PLATFORM: platform, SHUTDOWN_HOOKS: 'off', TERACRON_API_KEY: testApiKey(), TERACRON_DOMAIN: ingest.domain, TERACRON_SPOOL: dir });
      try {
        const response = await fetch(`${fixture.url}/orders/9`);
        assert.equal(response.status, 200);
        await response.arrayBuffer();
        const { traceId } = responseTraceIds(response);
        fixture.child.kill('SIGTERM');
        const exit = await fixture.exited;
        assert.equal(exit.signal, 'SIGTERM', fixture.output());
        assert.equal(ingest.spans().length, 0);

        next.start();
        await ingest.waitFor(() => ingest.spans().filter((s) => s.trace_id === traceId).length === 2, 10_000);
        const operations = ingest.spans().filter((s) => s.trace_id === traceId).map((s) => s.operation).sort();
        assert.deepEqual(operations, ['GET /orders/:id', 'OrdersService.find']);
      } finally {
        fixture.kill();
        await next.stop(1000);
        await ingest.close();
        rmSync(path.dirname(dir), { recursive: true, force: true });
      }
    });
  }
});

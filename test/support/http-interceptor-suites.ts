/**
 * The request-span suites again, with `httpInterceptor: true` (TeracronInterceptor global, around
 * every HTTP route, as before): each suite runs in a child `node --test` with the mode's variable
 * set, so both modes pass the same assertions on Express and Fastify, Nest 11 and 12 (packaging).
 * Split over the http-interceptor-mode-*.e2e.test files, two suites each, so no file outlasts the
 * runner's per-file timeout.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HTTP_INTERCEPTOR_ENV } from './http-interceptor-mode';

/** Bounded by the runner's own per-file timeout (two suites per file); a hang reports its output. */
const SUITE_TIMEOUT_MS = 55_000;

function runSuite(name: string): Promise<{ code: number | null; output: string }> {
  const file = path.join(__dirname, '..', 'e2e', `${name}.e2e.test.js`);
  return new Promise((resolve, reject) => {
    // NODE_TEST_CONTEXT would make the child report to this runner instead of running as its own.
    const { NODE_TEST_CONTEXT: _parent, ...env } = process.env;
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', `--test-timeout=${SUITE_TIMEOUT_MS}`, '--test-reporter=tap', file], {
      env: { ...env, [HTTP_INTERCEPTOR_ENV]: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), SUITE_TIMEOUT_MS + 5_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Runs each of `suites` (e2e file names without `.e2e.test.ts`) with `httpInterceptor: true`. */
export function describeWithHttpInterceptor(suites: readonly string[]): void {
  describe('request spans with httpInterceptor: true', () => {
    for (const suite of suites) {
      it(`passes ${suite}`, { timeout: SUITE_TIMEOUT_MS + 5_000 }, async () => {
        const { code, output } = await runSuite(suite);
        assert.equal(code, 0, output);
        const passed = Number(/^# pass (\d+)$/m.exec(output)?.[1] ?? 0);
        assert.ok(passed > 0, `no test of ${suite} ran:\n${output}`);
        assert.match(output, /^# fail 0$/m);
      });
    }
  });
}

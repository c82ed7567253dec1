/**
 * The integrations are optional: in a process where bullmq, @nestjs/bullmq, @nestjs/schedule,
 * @nestjs/event-emitter, @nestjs/graphql and its drivers, graphql, pino, nestjs-pino, winston and
 * nest-winston cannot be resolved, the package root loads, the Teracron module boots, log lines
 * carry their ids, and a traced request reaches the ingest.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { SpanRecord } from '../../lib/core/types';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { repoRoot } from '../support/vectors';

describe('without the optional peers installed', () => {
  let ingest: Awaited<ReturnType<typeof startTestIngest>>;

  before(async () => {
    ingest = await startTestIngest();
  });

  after(async () => {
    await ingest?.close();
  });

  it('loads the package, boots the module and traces a request', async () => {
    const fixture = path.join(repoRoot(), 'dist', 'test', 'fixtures', 'no-optional-peers');
    const child = spawn(process.execPath, ['--require', path.join(fixture, 'block-optional-peers.js'), path.join(fixture, 'app.js')], {
      env: { ...process.env, TERACRON_API_KEY: testApiKey(), TERACRON_DOMAIN: ingest.domain },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, `the app without optional peers failed:\n${output}`);

    const spans = ingest.spans();
    const request = spans.find((s: SpanRecord) => s.operation === 'GET /hello');
    const greet = spans.find((s: SpanRecord) => s.operation === 'Greeter.greet');
    assert.ok(request, 'the request span reached the ingest');
    assert.equal(greet?.parent_span_id, request.span_id);
  });
});

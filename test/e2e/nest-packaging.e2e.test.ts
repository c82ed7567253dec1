/**
 * The package as users get it: `npm pack` (prepack cleans and builds) ships the library's
 * JavaScript and .d.ts only, with its bin; the tarball, installed with npm into an ESM Nest 12 app
 * and a CommonJS Nest 11 app (its own node_modules), boots on Express and Fastify, each run as its
 * own process, and its `teracron-agent` bin runs. A request through controller → service → @Trace
 * reaches the ingest as one tree, with 200, 404 and 500 right.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants, existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SpanRecord } from '../../lib/core/types';
import {
  PLATFORMS,
  prepareNest11CjsFixture,
  prepareNest12EsmFixture,
  responseTraceIds,
  spawnFixtureApp,
  type FixtureProcess,
} from '../support/nest-apps';
import { packPackage, type PackedPackage } from '../support/packed-package';
import { shippedFileProblems } from '../support/shipped-files';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { repoRoot } from '../support/vectors';

const run = promisify(execFile);

describe('the packed tarball (npm pack)', () => {
  let packed: PackedPackage;
  before(async () => {
    packed = await packPackage();
  });

  it('ships the library build, its bin and its entry points, and nothing else', () => {
    const problems = shippedFileProblems(packed.files, packed.manifest, (file) => existsSync(path.join(repoRoot(), file)));
    assert.deepEqual(problems, []);
    const paths = packed.files.map((file) => file.path);
    assert.ok(paths.includes('dist/lib/index.js') && paths.includes('dist/lib/index.d.ts'), paths.join('\n'));
    assert.ok(paths.includes('dist/lib/agent/cli.js'));
  });

  it('leaves out what an earlier build left in dist (prepack cleans first)', () => {
    assert.equal(
      packed.files.some((file) => file.path === packed.plantedStaleFile),
      false,
    );
  });
});

const WAIT_MS = 10_000;

const FIXTURES = [
  { name: 'an ESM Nest 12 app', nestMajor: '12', prepare: prepareNest12EsmFixture },
  { name: 'a CommonJS Nest 11 app', nestMajor: '11', prepare: prepareNest11CjsFixture },
] as const;

/** Each fixture gets the tarball installed once, for both platforms. */
const installing = new Map<(typeof FIXTURES)[number], Promise<string>>();
function installedFixture(fixture: (typeof FIXTURES)[number]): Promise<string> {
  let script = installing.get(fixture);
  if (script === undefined) {
    script = packPackage().then((packed) => fixture.prepare(packed.tarball));
    installing.set(fixture, script);
  }
  return script;
}

for (const fixture of FIXTURES) {
  for (const platform of PLATFORMS) {
    describe(`${fixture.name} on ${platform}`, () => {
      let ingest: Awaited<ReturnType<typeof startTestIngest>>;
      let app: FixtureProcess;
      let script: string;

      before(async () => {
        script = await installedFixture(fixture);
        ingest = await startTestIngest();
        app = await spawnFixtureApp(script, { PLATFORM: platform, TERACRON_API_KEY: testApiKey(), TERACRON_DOMAIN: ingest.domain });
      });

      after(async () => {
        if (app) {
          app.child.kill('SIGTERM');
          await app.exited;
        }
        await ingest?.close();
      });

      const spansOf = (traceId: string): SpanRecord[] => ingest.spans().filter((span) => span.trace_id === traceId);

      async function tracedGet(path: string, spans: number): Promise<{ status: number; spans: SpanRecord[] }> {
        const response = await fetch(`${app.url}${path}`);
        await response.arrayBuffer();
        const { traceId } = responseTraceIds(response);
        await ingest.waitFor(() => spansOf(traceId).length >= spans, WAIT_MS);
        return { status: response.status, spans: spansOf(traceId) };
      }

      it(`runs on Nest ${fixture.nestMajor}`, () => {
        const nest = (JSON.parse(app.firstLine) as { nest: string }).nest;
        assert.equal(nest.split('.')[0], fixture.nestMajor);
      });

      it('loads the package from the installed tarball, whose teracron-agent bin runs', async () => {
        const appDir = path.dirname(script);
        const installed = JSON.parse(readFileSync(path.join(appDir, 'node_modules', '@teracron', 'nestjs', 'package.json'), 'utf8')) as { name: string };
        assert.equal(installed.name, '@teracron/nestjs');
        const bin = path.join(appDir, 'node_modules', '.bin', 'teracron-agent');
        accessSync(bin, fsConstants.X_OK);
        assert.equal(realpathSync(bin), path.join(realpathSync(appDir), 'node_modules', '@teracron', 'nestjs', 'dist', 'lib', 'agent', 'cli.js'));
        const { stdout } = await run(bin, ['--help'], { cwd: appDir, timeout: 20_000 });
        assert.match(stdout, /^teracron-agent \[run\]/m);
        assert.match(stdout, /teracron-agent dev/);
      });

      it('resolves the ./testing subpath from the installed package', async () => {
        const probe = "const { TeracronTestingModule } = require('@teracron/nestjs/testing'); process.stdout.write(typeof TeracronTestingModule.forRoot().module)";
        const { stdout } = await run(process.execPath, ['-e', probe], { cwd: path.dirname(script), timeout: 20_000 });
        assert.equal(stdout, 'function');
      });

      it('records a request as one tree rooted at the route template', async () => {
        const { status, spans } = await tracedGet('/orders/42', 3);
        assert.equal(status, 200);
        const root = spans.find((span) => span.operation === 'GET /orders/:id');
        const checkout = spans.find((span) => span.operation === 'OrdersService.find');
        const payment = spans.find((span) => span.operation === 'PaymentsService.authorise');
        assert.ok(root && checkout && payment, `spans: ${spans.map((s) => s.operation).join(', ')}`);
        assert.equal(root.parent_span_id, null);
        assert.equal(root.metadata?.['http.status_code'], 200);
        assert.equal(checkout.parent_span_id, root.span_id);
        assert.equal(payment.parent_span_id, checkout.span_id);
      });

      it('records 404 and 500 with the status sent', async () => {
        const missing = await tracedGet('/orders/missing', 2);
        assert.equal(missing.status, 404);
        const missingRoot = missing.spans.find((span) => span.operation === 'GET /orders/:id');
        assert.equal(missingRoot?.metadata?.['http.status_code'], 404);
        assert.equal(missingRoot?.status, 'succeeded');

        const broken = await tracedGet('/orders/broken', 2);
        assert.equal(broken.status, 500);
        const brokenRoot = broken.spans.find((span) => span.operation === 'GET /orders/:id');
        assert.equal(brokenRoot?.metadata?.['http.status_code'], 500);
        assert.equal(brokenRoot?.status, 'failed');
        assert.equal(brokenRoot?.error_message, 'order broken is broken');
      });
    });
  }
}

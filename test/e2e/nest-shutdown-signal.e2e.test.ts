/**
 * SIGTERM right after a traced request, in a child process running a Nest app with
 * enableShutdownHooks(): the final flush delivers that request's spans (the app's flush interval
 * is far longer than the test, so nothing else could have sent them) and the process exits.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PLATFORMS, responseTraceIds, spawnFixtureApp, type FixtureProcess } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { repoRoot } from '../support/vectors';

const SCRIPT = path.join(repoRoot(), 'dist', 'test', 'fixtures', 'shutdown-app.js');

for (const platform of PLATFORMS) {
  describe(`SIGTERM with enableShutdownHooks() on ${platform}`, () => {
    let ingest: Awaited<ReturnType<typeof startTestIngest>>;
    let fixture: FixtureProcess | undefined;

    before(async () => {
      ingest = await startTestIngest();
    });

    after(async () => {
      fixture?.kill();
      await ingest?.close();
    });

    it('flushes the traced request’s spans before the process exits', async () => {
      fixture = await spawnFixtureApp(SCRIPT, { PLATFORM: platform, TERACRON_API_KEY: testApiKey(), TERACRON_DOMAIN: ingest.domain });
      const response = await fetch(`${fixture.url}/orders/9`);
      assert.equal(response.status, 200);
      await response.arrayBuffer();
      const { traceId } = responseTraceIds(response);
      assert.equal(ingest.spans().length, 0, 'nothing was sent before the signal');

      fixture.child.kill('SIGTERM');
      const exit = await fixture.exited;
      assert.ok(exit.signal === 'SIGTERM' || exit.code === 0, `the app exited on SIGTERM (code ${exit.code}, signal ${exit.signal}):\n${fixture.output()}`);
      await ingest.waitFor(() => ingest.spans().filter((s) => s.trace_id === traceId).length === 2, 5_000);
      const operations = ingest.spans().filter((s) => s.trace_id === traceId).map((s) => s.operation).sort();
      assert.deepEqual(operations, ['GET /orders/:id', 'OrdersService.find']);
    });
  });
}

/**
 * teracron-agent monitoring another process, with real child processes and a real ingest: it
 * ships the target's rss and CPU, ends with a final flush and exit 0 when the target exits, and
 * does the same on SIGTERM.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { startAgent } from '../support/agent-cli';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';

/** A target that burns some CPU and holds some memory until it is told to stop. */
function startTarget(): ChildProcess {
  const script = `const hold = Buffer.alloc(32 * 1024 * 1024, 1);
    setInterval(() => { const end = Date.now() + 20; while (Date.now() < end) Math.sqrt(Math.random()); }, 50);
    process.on('message', () => process.exit(0));`;
  return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
}

describe('teracron-agent monitoring a process by pid', () => {
  let ingest: IngestServer;
  before(async () => {
    ingest = await startTestIngest();
  });
  after(() => ingest.close());

  it('ships the target’s rss and CPU, and exits 0 after a final flush when the target exits', async () => {
    ingest.clear();
    const target = startTarget();
    // One sample per flush, so the first one (after one interval: 5 s, the minimum) shows at the ingest.
    const agent = startAgent(['--pid', String(target.pid)], { TERACRON_API_KEY: testApiKey(), TERACRON_DOMAIN: ingest.domain, TERACRON_INTERVAL: '5', TERACRON_MAX_BUFFER: '1' });
    try {
      await agent.waitForLine(/monitoring pid/);
      await ingest.waitFor((s) => s.metrics().length >= 1, 15_000);
      target.send('stop');
      await once(target, 'exit');
      assert.equal(await agent.exited(15_000), 0, agent.stderr());
      assert.match(agent.stdout(), new RegExp(`target process ${target.pid} exited; final flush done`));
      const entries = ingest.metrics();
      assert.ok(entries.length >= 1, 'the sample reached the ingest before the agent exited');
      const [entry] = entries;
      assert.ok(entry!.rss > 32 * 1024 * 1024, `rss ${entry!.rss} covers the target's 32 MiB`);
      assert.ok(entry!.cpu_usage_pct > 0, `cpu ${entry!.cpu_usage_pct}`);
      assert.equal(entry!.heap_used, 0, 'another process has no heap figures to report');
    } finally {
      target.kill();
      agent.child.kill();
    }
  });

  it('on SIGTERM takes a last sample, flushes it and exits 0', async () => {
    ingest.clear();
    const target = startTarget();
    const agent = startAgent(['--pid', String(target.pid)], { TERACRON_API_KEY: testApiKey(), TERACRON_DOMAIN: ingest.domain });
    try {
      // The agent prints this line once its signal handlers are in place: a SIGTERM at once is handled.
      await agent.waitForLine(/monitoring pid/);
      agent.child.kill('SIGTERM');
      assert.equal(await agent.exited(15_000), 0, agent.stderr());
      assert.match(agent.stdout(), /received SIGTERM; final flush done/);
      assert.equal(ingest.metrics().length, 1);
      assert.ok(ingest.metrics()[0]!.rss > 32 * 1024 * 1024);
    } finally {
      target.kill();
    }
  });
});

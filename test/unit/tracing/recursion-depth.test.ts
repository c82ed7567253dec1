/**
 * How much of the stack a traced call takes: recursion depth under @Trace against the plain
 * method, measured in a child process with a fixed --stack-size (see the fixture).
 *
 * The ceiling: any wrapper that forwards its arguments adds a frame about the size of a small
 * method's own, so a pass-through wrapper that does nothing reaches 50 % of a one-line recursion.
 * The @Trace wrapper keeps one frame of its own (the span work runs in calls that return before
 * and after the method) and reaches 44 % synchronously and 48 % before the first await on
 * Node 20, 22 and 24 (12 % and 14 % before, with five frames per level).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { repoRoot } from '../../support/vectors';

const FIXTURE = path.join(repoRoot(), 'dist', 'test', 'fixtures', 'recursion-depth.js');

interface Depths {
  plainSync: number;
  tracedSync: number;
  plainAsync: number;
  tracedAsync: number;
  spansRecorded: number;
}

describe('@Trace and the stack', () => {
  it('traced recursion gets at least 42 % as deep as plain recursion synchronously, 46 % before the first await', async (t) => {
    // Running out of stack inside promise machinery makes Node print to stderr; only stdout is read.
    const child = spawn(process.execPath, ['--stack-size=900', FIXTURE], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, `the probe exited with ${code}: ${stdout}`);
    const depths = JSON.parse(stdout) as Depths;
    const sync = depths.tracedSync / depths.plainSync;
    const early = depths.tracedAsync / depths.plainAsync;
    t.diagnostic(`sync ${depths.tracedSync} of ${depths.plainSync} (${(sync * 100).toFixed(1)} %), async ${depths.tracedAsync} of ${depths.plainAsync} (${(early * 100).toFixed(1)} %)`);
    assert.ok(depths.plainSync > 5_000 && depths.plainAsync > 5_000, `the plain recursion is the yardstick: ${stdout}`);
    // Printed before the async spans end; at the very edge of the stack recording a failure runs out of stack too.
    assert.ok(depths.spansRecorded >= depths.tracedSync - 100, `each traced level was a recorded span: ${depths.spansRecorded} for ${depths.tracedSync} levels`);
    assert.ok(sync >= 0.42, `sync: ${depths.tracedSync} of ${depths.plainSync}`);
    assert.ok(early >= 0.46, `async: ${depths.tracedAsync} of ${depths.plainAsync}`);
  });
});

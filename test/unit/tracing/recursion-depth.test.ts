/**
 * How much of the stack a traced call takes: recursion depth under @Trace against the plain
 * method, measured in a child process with a fixed --stack-size (see the fixture).
 *
 * Any wrapper that forwards its arguments adds a frame: a pass-through `original.apply(this,
 * arguments)` is as big as a one-line method's own frame and reaches exactly 50 % of a one-line
 * recursion. The @Trace wrapper of a method of one parameter is one slot smaller (it takes no
 * `arguments` and holds nothing across the call; method-span.ts) and reaches 52 % synchronously
 * and 55-56 % before the first await on Node 20, 22 and 24 (44 % and 48 % with the span and
 * `arguments` in its frame, 12 % and 14 % with five frames per level).
 */
import { before, describe, it } from 'node:test';
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
  syncSpans: number;
}

interface Aftermath {
  guardReturned: boolean;
  contextAfterSync: boolean;
  contextAfterAsync: boolean;
  afterIsRoot: boolean;
}

/** One run of the probe (a child process: the stack is exhausted on purpose). */
async function probe<T>(...args: string[]): Promise<T> {
  // Running out of stack inside promise machinery makes Node print to stderr; only stdout is read.
  const child = spawn(process.execPath, ['--stack-size=900', FIXTURE, ...args], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, `the probe exited with ${code}: ${stdout}`);
  return JSON.parse(stdout) as T;
}

describe('@Trace and the stack', () => {
  let depths: Depths;
  let aftermath: Aftermath;
  before(async () => {
    [depths, aftermath] = await Promise.all([probe<Depths>(), probe<Aftermath>('--cold-edge')]);
  });

  it('traced recursion gets at least half as deep as plain recursion, synchronously and before the first await', (t) => {
    const sync = depths.tracedSync / depths.plainSync;
    const early = depths.tracedAsync / depths.plainAsync;
    t.diagnostic(`sync ${depths.tracedSync} of ${depths.plainSync} (${(sync * 100).toFixed(1)} %), async ${depths.tracedAsync} of ${depths.plainAsync} (${(early * 100).toFixed(1)} %)`);
    assert.ok(depths.plainSync > 5_000 && depths.plainAsync > 5_000, `the plain recursion is the yardstick: ${JSON.stringify(depths)}`);
    // At the very edge of the stack a few levels have no room left to record their failure.
    assert.ok(depths.syncSpans >= depths.tracedSync - 50, `each traced level was a recorded span: ${depths.syncSpans} for ${depths.tracedSync} levels`);
    assert.ok(sync >= 0.5, `sync: ${depths.tracedSync} of ${depths.plainSync}`);
    assert.ok(early >= 0.5, `async: ${depths.tracedAsync} of ${depths.plainAsync}`);
  });

  it('running out of stack in a traced recursion leaves no span entered, and the next traced call is a root', () => {
    assert.equal(aftermath.guardReturned, true, 'a traced caller that caught the RangeError returned its own value, its span succeeded');
    assert.equal(aftermath.contextAfterSync, true, 'no context after the synchronous recursion');
    assert.equal(aftermath.contextAfterAsync, true, 'no context after the async recursion');
    assert.equal(aftermath.afterIsRoot, true, 'the next traced call was a root span that succeeded');
  });
});

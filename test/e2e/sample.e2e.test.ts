/**
 * `npm run sample` as a new user runs it: the sample against the embedded local Teracron, in a
 * child process with its own data directory. It must print what arrived, with one checkout trace
 * spanning the orders service, the fraud service and the BullMQ worker, and exit 0.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/vectors';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('the sample app (npm run sample)', () => {
  it('runs against the local Teracron and prints the received telemetry', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'teracron-sample-'));
    try {
      const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'sample', 'run-sample.js'), '--once'], {
        env: { ...process.env, TERACRON_DEV_DATA: dataDir, TERACRON_DEBUG: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 0, output);

      const summary = /Received by the local Teracron: (\d+) traces, (\d+) spans, (\d+) events, (\d+) metric samples/.exec(output);
      assert.ok(summary, output);
      const [, traces, spans, events, metrics] = summary.map(Number);
      assert.ok(traces! >= 5 && spans! >= 20 && events! > 0 && metrics! > 0, summary[0]);
      for (const line of ['✓ POST /orders', '✓ OrdersService.place [checkout]', '✓ FraudService.check [fraud]', '✓ settlements.settle [settlement]', '✓ PaymentsService.settle [payment]']) {
        assert.ok(output.includes(line), `missing "${line}" in:\n${output}`);
      }
      // Debug mode on: the output shows flush lines, but never the key, the PEM or any data.
      assert.match(output, /traces: sent \d+ item/, 'debug lines were printed');
      const pem = readFileSync(path.join(dataDir, 'public-key.pem'), 'utf8');
      for (const line of pem.split('\n').filter((l) => l.length > 20)) assert.ok(!output.includes(line), 'no PEM line in the output');
      assert.ok(!/tcn_[A-Za-z0-9+/=_-]{20,}/.test(output), 'no API key in the output');
      for (const secret of ['4242424242424242', 'card_last4', 'ord-1"', 'keyboard']) assert.ok(!output.includes(secret), `no ${secret} in the output`);
      // The scrubber removed the card number before it was queued: the local store never saw it.
      const stored = filesUnder(path.join(dataDir, 'store')).map((file) => readFileSync(file, 'utf8')).join('\n');
      assert.ok(stored.includes('card_last4'), 'span metadata was stored');
      assert.ok(!stored.includes('4242424242424242'), 'the card number never left the app');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

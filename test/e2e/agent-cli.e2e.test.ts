/** teracron-agent as a user runs it: help, version, and one-line refusals (exit 2) for mistakes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deadPid, runAgentToEnd } from '../support/agent-cli';
import { readVector, repoRoot } from '../support/vectors';
import { encodeApiKey } from '../../lib/core/config/api-key';

const validKey = () => encodeApiKey({ slug: 'vivid-kudu-655', publicKeyPem: readVector<string>('test-public-key.pem'), mode: 'development' });

function assertOneLineRefusal(result: { code: number | string; stdout: string; stderr: string }, reason: RegExp): void {
  assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0]!, /^teracron-agent: /);
  assert.match(lines[0]!, reason);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('teracron-agent command line', () => {
  it('prints usage for --help and exits 0', async () => {
    const result = await runAgentToEnd(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /teracron-agent \[run\]/);
    assert.match(result.stdout, /teracron-agent dev \[--port N\] \[--data DIR\]/);
    assert.match(result.stdout, /teracron-agent tail/);
  });

  it('prints the package version for --version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string };
    const result = await runAgentToEnd(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), `teracron-agent ${version}`);
  });

  it('refuses an unknown flag with exit 2 and one line', async () => {
    assertOneLineRefusal(await runAgentToEnd(['--pdi', '12']), /Unknown option '--pdi'/);
  });

  it('refuses a malformed API key with exit 2 and one line that never echoes the key', async () => {
    const result = await runAgentToEnd(['--pid', String(process.pid)], { TERACRON_API_KEY: 'tcn_!!not-a-key' });
    assertOneLineRefusal(result, /Invalid Teracron API key .*TERACRON_API_KEY/);
    assert.doesNotMatch(result.stderr, /not-a-key/);
  });

  it('refuses a pid that does not exist with exit 2 and one line', async () => {
    const pid = await deadPid();
    assertOneLineRefusal(await runAgentToEnd(['--pid', String(pid), '--api-key', validKey(), '--domain', '127.0.0.1:9']), new RegExp(`No process with pid ${pid}`));
  });

  it('refuses to start without a target pid, with exit 2 and one line', async () => {
    assertOneLineRefusal(await runAgentToEnd([], { TERACRON_API_KEY: validKey() }), /No process to monitor: pass --pid N or set TERACRON_TARGET_PID/);
  });

  it('refuses a non-numeric --pid, with exit 2 and one line', async () => {
    assertOneLineRefusal(await runAgentToEnd(['--pid', 'gunicorn', '--api-key', validKey()]), /Invalid --pid "gunicorn"/);
  });
});

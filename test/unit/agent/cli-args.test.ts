import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliUsageError, DEFAULT_DEV_URL, parseAgentArgs } from '../../../lib/agent/cli-args';

describe('teracron-agent arguments', () => {
  it('runs the monitor by default and with "run", taking --pid, --api-key and --domain', () => {
    assert.deepEqual(parseAgentArgs([], {}), { command: 'run', pid: undefined, apiKey: undefined, domain: undefined });
    assert.deepEqual(parseAgentArgs(['run', '--pid', '42', '--api-key', 'tcn_x', '--domain', '127.0.0.1:9'], {}), {
      command: 'run',
      pid: '42',
      apiKey: 'tcn_x',
      domain: '127.0.0.1:9',
    });
    assert.deepEqual(parseAgentArgs(['--pid=7'], {}), { command: 'run', pid: '7', apiKey: undefined, domain: undefined });
  });

  it('reads dev --port and --data, with the flag beating TERACRON_DEV_PORT', () => {
    assert.deepEqual(parseAgentArgs(['dev', '--port', '0', '--data', '/tmp/x'], { TERACRON_DEV_PORT: '9000' }), { command: 'dev', port: 0, dataDir: '/tmp/x', httpsPort: undefined });
    assert.deepEqual(parseAgentArgs(['dev'], { TERACRON_DEV_PORT: '9000' }), { command: 'dev', port: 9000, dataDir: undefined, httpsPort: undefined });
    assert.deepEqual(parseAgentArgs(['dev', '--https-port', '7416'], { TERACRON_DEV_HTTPS_PORT: '1' }), { command: 'dev', port: undefined, dataDir: undefined, httpsPort: 7416 });
    assert.equal((parseAgentArgs(['dev'], { TERACRON_DEV_HTTPS_PORT: '0' }) as { httpsPort?: number }).httpsPort, 0);
    assert.throws(() => parseAgentArgs(['dev', '--https-port', 'x'], {}), /invalid --https-port "x"/);
    assert.throws(() => parseAgentArgs(['dev', '--port', 'http'], {}), CliUsageError);
    assert.throws(() => parseAgentArgs(['dev', '--port', '70000'], {}), /expected a port number/);
  });

  it('points tail at the default dev port unless --url says otherwise', () => {
    assert.deepEqual(parseAgentArgs(['tail'], {}), { command: 'tail', url: DEFAULT_DEV_URL });
    assert.deepEqual(parseAgentArgs(['tail', '--url', '127.0.0.1:9999'], {}), { command: 'tail', url: 'http://127.0.0.1:9999' });
    assert.throws(() => parseAgentArgs(['tail', '--url', 'https://x.example'], {}), /plain http/);
  });

  it('answers --help and --version in every command', () => {
    assert.deepEqual(parseAgentArgs(['--help'], {}), { command: 'help', topic: undefined });
    assert.deepEqual(parseAgentArgs(['dev', '-h'], {}), { command: 'help', topic: 'dev' });
    assert.deepEqual(parseAgentArgs(['--version'], {}), { command: 'version' });
    assert.deepEqual(parseAgentArgs(['tail', '-v'], {}), { command: 'version' });
  });

  it('refuses unknown flags and commands with a one-line message', () => {
    for (const argv of [['--pidd', '1'], ['dev', '--pid', '1'], ['launch'], ['run', 'extra']]) {
      assert.throws(
        () => parseAgentArgs(argv, {}),
        (error: Error) => error instanceof CliUsageError && !error.message.includes('\n'),
        argv.join(' '),
      );
    }
  });
});

/** startTeracron / stopTeracron without a key, in this process: idempotent, one warning, no network. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTeracron, stopTeracron } from '../../../lib/index';
import type { TeracronLogger } from '../../../lib/index';

function capturingLogger(): TeracronLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, warn: (message) => warnings.push(message), error: (message) => warnings.push(message) };
}

describe('startTeracron / stopTeracron', () => {
  it('stopTeracron() without a start resolves and does nothing', async () => {
    await stopTeracron();
    await stopTeracron();
  });

  it('without a key: one warning naming the fix, the same client on a second start, and a stop that is safe twice', async () => {
    const logger = capturingLogger();
    const previous = process.env.TERACRON_API_KEY;
    delete process.env.TERACRON_API_KEY;
    try {
      const client = startTeracron({ logger });
      assert.equal(startTeracron({ logger }), client);
      assert.equal(client.enabled, false);
      assert.deepEqual(logger.warnings, [
        'Teracron telemetry is off: no API key. Set TERACRON_API_KEY or startTeracron({ apiKey }) — run `npx teracron-agent dev` for a local development key.',
      ]);
      await Promise.all([stopTeracron(), stopTeracron()]);
      await stopTeracron();
      const next = startTeracron({ logger });
      assert.notEqual(next, client, 'a start after a stop makes a new client');
      await stopTeracron();
    } finally {
      if (previous !== undefined) process.env.TERACRON_API_KEY = previous;
    }
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveBackgroundWork } from '../../../lib/nest/background-work-options';
import { TeracronConfigError } from '../../../lib/core/config/config-error';

describe('background-work options', () => {
  it('traces scheduled work and event listeners by default, under the schedule and events workflows', () => {
    assert.deepEqual(resolveBackgroundWork(undefined), {
      schedule: { enabled: true, workflow: 'schedule' },
      events: { enabled: true, workflow: 'events' },
    });
  });

  it('takes false as short for { enabled: false }', () => {
    const resolved = resolveBackgroundWork({ schedule: false, events: { enabled: false } });
    assert.equal(resolved.schedule.enabled, false);
    assert.equal(resolved.events.enabled, false);
  });

  it('uses the workflow given', () => {
    assert.equal(resolveBackgroundWork({ schedule: { workflow: 'nightly' } }).schedule.workflow, 'nightly');
  });

  it('refuses an empty or too long workflow at start-up, naming the option without echoing the value', () => {
    const long = 'w'.repeat(129);
    assert.throws(() => resolveBackgroundWork({ events: { workflow: long } }), (error: unknown) => {
      assert.ok(error instanceof TeracronConfigError);
      assert.match(error.message, /events\.workflow/);
      assert.ok(!error.message.includes(long));
      return true;
    });
    assert.throws(() => resolveBackgroundWork({ schedule: { workflow: ' ' } }), TeracronConfigError);
  });

  it('refuses an enabled flag that is not a boolean', () => {
    assert.throws(() => resolveBackgroundWork({ schedule: { enabled: 'no' as unknown as boolean } }), /schedule\.enabled/);
  });
});

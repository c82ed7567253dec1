import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TeracronConfigError } from '../../../lib/core/config/config-error';
import { ScrubberSlot } from '../../../lib/nest/teracron-scrubber';

describe('ScrubberSlot', () => {
  it('drops the data until a scrubber is bound', () => {
    assert.equal(new ScrubberSlot().scrub({ card: '4242' }, 'metadata'), null);
  });

  it('calls a bound function, and a bound object’s scrub method with its own this', () => {
    const slot = new ScrubberSlot();
    slot.bind((data: Record<string, unknown>) => ({ ...data, seen: true }));
    assert.deepEqual(slot.scrub({ a: 1 }, 'metadata'), { a: 1, seen: true });

    const scrubber = {
      forbidden: 'card',
      scrub(data: Record<string, unknown>, field: string) {
        const { [this.forbidden]: _removed, ...rest } = data;
        return { ...rest, field };
      },
    };
    slot.bind(scrubber);
    assert.deepEqual(slot.scrub({ card: '4242', order: 'o-1' }, 'captured_params'), { order: 'o-1', field: 'captured_params' });
  });

  it('refuses a provider that is neither a function nor has scrub()', () => {
    for (const provided of [undefined, null, 42, { clean: () => ({}) }]) {
      assert.throws(() => new ScrubberSlot().bind(provided), TeracronConfigError);
    }
  });
});

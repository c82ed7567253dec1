/** A hook on a class Nest shares between apps: on while any app uses it, put back after the last. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sharedHook, wrapMethod, type Prototype } from '../../../lib/nest/prototype-hooks';

describe('sharedHook and wrapMethod', () => {
  it('wraps a method once for every app that turns it on, and puts it back when the last app releases it', () => {
    const prototype: Prototype = { greet: (name: string) => `hello ${name}` };
    const original = prototype.greet;
    let installs = 0;
    const acquire = sharedHook(() => {
      installs++;
      return wrapMethod(prototype, 'greet', (greet) => (name: string) => `${(greet as (n: string) => string)(name)}!`);
    });
    const releaseA = acquire();
    const releaseB = acquire();
    assert.equal(installs, 1);
    assert.equal((prototype.greet as (n: string) => string)('nest'), 'hello nest!');
    assert.equal((prototype.greet as Function).name, 'greet');
    releaseA();
    releaseA();
    assert.equal((prototype.greet as (n: string) => string)('nest'), 'hello nest!', 'still on: app B uses it, and a second release of A counts once');
    releaseB();
    assert.equal(prototype.greet, original);
    acquire();
    assert.equal(installs, 2, 'turned on again after all released');
  });

  it('leaves a prototype without the method alone', () => {
    assert.equal(wrapMethod({}, 'missing', (f) => f), undefined);
    assert.equal(wrapMethod(undefined, 'missing', (f) => f), undefined);
  });
});

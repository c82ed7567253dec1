/**
 * The @Trace wrapper makes the same call: the same `this` and the same arguments, however the
 * method declares its parameters. A method of 0 or 1 parameters that cannot see more gets only
 * those (a smaller frame: recursion-depth.test.ts); every other one gets every argument given.
 * Each case runs inside a recorded trace, the path that records a span.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Trace } from '../../../lib/tracing/trace.decorator';
import { RecordingSink } from '../../support/recording-sink';

class Calls {
  @Trace('calls')
  none(): unknown {
    return this;
  }

  @Trace('calls')
  one(value: unknown): unknown[] {
    return [this, value];
  }

  @Trace('calls')
  counted(first: unknown): number {
    return arguments.length + (first === undefined ? 0 : 100);
  }

  @Trace('calls')
  defaulted(first: number, second = 2): number[] {
    return [first, second];
  }

  @Trace('calls')
  rest(...values: unknown[]): unknown[] {
    return values;
  }

  @Trace('calls')
  destructured({ a }: { a: number }, [b]: number[]): number {
    return a + (b ?? 0);
  }

  @Trace('calls')
  fails(error: unknown): never {
    throw error;
  }
}

/** A sloppy function: anything that holds it can read its arguments through `fn.arguments`. */
const sloppy = new Function('first', 'return readSloppyArguments();') as (first: unknown) => number;
(globalThis as { readSloppyArguments?: () => number }).readSloppyArguments = () => (sloppy as unknown as { arguments: IArguments }).arguments.length;
class Sloppy {
  declare read: (first: unknown) => number;
}
Sloppy.prototype.read = sloppy;
const descriptor = Object.getOwnPropertyDescriptor(Sloppy.prototype, 'read')!;
Trace('calls')(Sloppy.prototype, 'read', descriptor);
Object.defineProperty(Sloppy.prototype, 'read', descriptor);

describe('@Trace forwards the call unchanged', () => {
  const calls = new Calls();
  const inTrace = <T>(fn: () => T): Promise<T> => new RecordingSink().activeDuring(fn);

  it('this and the one argument, whatever the caller passes beyond the declared parameters', async () => {
    const [self, value] = await inTrace(() => (calls.one as (...args: unknown[]) => unknown[])('a', 'b', 'c'));
    assert.equal(self, calls);
    assert.equal(value, 'a');
    assert.equal(await inTrace(() => (calls.none as (...args: unknown[]) => unknown)(1, 2)), calls);
  });

  it('every argument to a method that reads arguments, has a default or rest parameter, or is sloppy', async () => {
    assert.equal(await inTrace(() => (calls.counted as (...args: unknown[]) => number)('x', 'y', 'z')), 103);
    assert.equal(await inTrace(() => (calls.counted as () => number)()), 0);
    assert.deepEqual(await inTrace(() => calls.defaulted(1, 5)), [1, 5]);
    assert.deepEqual(await inTrace(() => calls.defaulted(1)), [1, 2]);
    assert.deepEqual(await inTrace(() => calls.rest(1, 2, 3)), [1, 2, 3]);
    assert.equal(await inTrace(() => calls.destructured({ a: 1 }, [2])), 3);
    assert.equal(await inTrace(() => (new Sloppy().read as (...args: unknown[]) => number)(1, 2, 3)), 3);
  });

  it('the length the method declares, and the very value it throws, each time', async () => {
    assert.deepEqual([calls.none.length, calls.one.length, calls.counted.length, calls.defaulted.length, calls.rest.length], [0, 1, 1, 1, 0]);
    const sink = new RecordingSink();
    await sink.activeDuring(() => {
      for (const value of [new Error('first'), 'a string', undefined]) {
        assert.throws(() => calls.fails(value), (e: unknown) => e === value);
      }
    });
    assert.deepEqual(sink.spans.map((s) => s.status), ['failed', 'failed', 'failed']);
  });
});

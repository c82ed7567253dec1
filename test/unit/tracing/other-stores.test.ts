/**
 * @Trace touches only its own AsyncLocalStorage: every other store (a request context, a logger's)
 * is what it would be around the plain method, inside the call and after it. In particular a
 * store the method enters stays entered for its caller, as after a plain call and as after our
 * own store's `run` (Node puts back only the store it ran). Running the call in a scope that
 * puts the caller's whole AsyncContextFrame back (an AsyncResource) would save one frame copy per
 * span on Node 24 but takes such a store away from the caller: a traced guard that enters the
 * request's user would lose it for the handler.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Trace } from '../../../lib/tracing/trace.decorator';
import { currentSpan } from '../../../lib/tracing/tracer';
import { RecordingSink } from '../../support/recording-sink';

const requestUser = new AsyncLocalStorage<string>();

class Guard {
  @Trace('auth')
  enterUser(user: string): boolean {
    requestUser.enterWith(user);
    return true;
  }

  @Trace('auth')
  async enterUserThenWait(user: string): Promise<string | undefined> {
    requestUser.enterWith(user);
    await Promise.resolve();
    return requestUser.getStore();
  }

  @Trace('auth')
  enterUserThenThrow(user: string, error: Error): never {
    requestUser.enterWith(user);
    throw error;
  }

  @Trace('auth')
  async seenInside(): Promise<Array<string | undefined>> {
    const before = requestUser.getStore();
    await new Promise((resolve) => setImmediate(resolve));
    return [before, requestUser.getStore()];
  }
}

/** fn with `user` in the other store, as a request context would have it. */
function inRequest<T>(user: string, fn: () => T): T {
  return requestUser.run(user, fn);
}

describe('@Trace and other AsyncLocalStorage stores', () => {
  it('a store entered by the caller is seen inside the traced call, synchronously and after an await', async () => {
    const sink = new RecordingSink();
    await sink.activeDuring(() =>
      inRequest('caller', async () => {
        assert.deepEqual(await new Guard().seenInside(), ['caller', 'caller']);
      }),
    );
    assert.equal(sink.spans.length, 1);
  });

  for (const [depth, where] of [[0, 'a root'], [11, 'under 11 traced levels']] as const) {
    it(`a store the traced method enters stays entered for its caller, as after a plain call (${where})`, async () => {
      const sink = new RecordingSink();
      const guard = new Guard();
      const outcomes = await sink.activeDuring(() =>
        inRequest('anonymous', async () => {
          const seen: Array<string | undefined> = [];
          nest(depth, () => {
            const spanBefore = currentSpan();
            guard.enterUser('ada');
            seen.push(requestUser.getStore());
            assert.equal(currentSpan(), spanBefore, 'our own context is the caller’s again');
            const pending = guard.enterUserThenWait('grace');
            seen.push(requestUser.getStore());
            assert.throws(() => guard.enterUserThenThrow('alan', new Error('denied')), /denied/);
            seen.push(requestUser.getStore());
            assert.equal(currentSpan(), spanBefore, 'our own context is the caller’s again after a throw');
            void pending.then((inside) => seen.push(`inside: ${inside}`));
          });
          await new Promise((resolve) => setImmediate(resolve));
          return seen;
        }),
      );
      assert.deepEqual(outcomes, ['ada', 'grace', 'alan', 'inside: grace']);
      assert.equal(sink.spans.filter((s) => s.workflow === 'auth').length, 3);
    });
  }
});

class Levels {
  @Trace('levels')
  down(levels: number, fn: () => void): void {
    if (levels === 1) fn();
    else this.down(levels - 1, fn);
  }
}

/** fn under `levels` traced calls (none for 0). */
function nest(levels: number, fn: () => void): void {
  if (levels === 0) fn();
  else new Levels().down(levels, fn);
}

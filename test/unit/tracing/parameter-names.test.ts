import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parameterNames } from '../../../lib/tracing/parameter-names';

const names = (fn: Function) => parameterNames(fn as () => unknown).map((p) => (p.rest ? `...${p.name}` : p.name));

describe('parameter names from compiled functions', () => {
  it('reads plain, default, rest and destructured parameters', () => {
    class Example {
      plain(orderId: string, amount: number) {
        return [orderId, amount];
      }
      defaults(a = 'x,y', b = Math.max(1, 2), c = { k: [1, 2] }, d = `t${'(,'}`) {
        return [a, b, c, d];
      }
      rest(first: string, ...others: string[]) {
        return [first, others];
      }
      destructured({ id }: { id: string }, [x]: number[], last: number) {
        return [id, x, last];
      }
      async asyncMethod(/* the id */ id: string, // trailing
        next: number) {
        return [id, next];
      }
      ['computed' + 'Name'](value: number) {
        return value;
      }
    }
    const p = Example.prototype as unknown as Record<string, Function>;
    assert.deepEqual(names(p.plain!), ['orderId', 'amount']);
    assert.deepEqual(names(p.defaults!), ['a', 'b', 'c', 'd']);
    assert.deepEqual(names(p.rest!), ['first', '...others']);
    assert.deepEqual(names(p.destructured!), [null, null, 'last']);
    assert.deepEqual(names(p.asyncMethod!), ['id', 'next']);
    assert.deepEqual(names(p.computedName!), ['value']);
  });

  it('reads functions and arrows', () => {
    assert.deepEqual(names(function named(a: number, b: number) { return a + b; }), ['a', 'b']);
    assert.deepEqual(names((x: number) => x), ['x']);
    assert.deepEqual(names(async (x: number, y = ')') => [x, y]), ['x', 'y']);
    assert.deepEqual(names(() => 1), []);
  });
});

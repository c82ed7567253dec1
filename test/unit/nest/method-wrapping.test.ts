import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { wrapPrototypeMethod } from '../../../lib/nest/discovery/method-wrapping';

function tagged(key: string, value: unknown): MethodDecorator {
  return (_target, _name, descriptor) => {
    Reflect.defineMetadata(key, value, descriptor.value as object);
  };
}

describe('wrapping a decorated method on its prototype', () => {
  it('keeps the metadata other libraries read from the method, and its name and length', () => {
    class Reports {
      @tagged('SCHEDULER_TYPE', 1)
      build(_day: string, _format: string): string {
        return 'built';
      }
    }
    const calls: string[] = [];
    assert.equal(
      wrapPrototypeMethod(Reports.prototype, 'build', 'test', (original) => function (this: unknown, ...args: unknown[]) {
        calls.push('wrapper');
        return original.apply(this, args);
      }),
      true,
    );
    const wrapped = Reports.prototype.build;
    assert.equal(Reflect.getMetadata('SCHEDULER_TYPE', wrapped), 1);
    assert.equal(wrapped.name, 'build');
    assert.equal(wrapped.length, 2);
    assert.equal(new Reports().build('mon', 'pdf'), 'built');
    assert.deepEqual(calls, ['wrapper']);
  });

  it('wraps a method once per kind, however many apps discover the class', () => {
    class Listener {
      handle(): number {
        return 1;
      }
    }
    let wraps = 0;
    const wrap = (original: (...args: unknown[]) => unknown) => {
      wraps++;
      return function (this: unknown, ...args: unknown[]) {
        return original.apply(this, args);
      };
    };
    assert.equal(wrapPrototypeMethod(Listener.prototype, 'handle', 'events', wrap), true);
    assert.equal(wrapPrototypeMethod(Listener.prototype, 'handle', 'events', wrap), false);
    assert.equal(wrapPrototypeMethod(Listener.prototype, 'handle', 'schedule', wrap), true);
    assert.equal(wrapPrototypeMethod(Listener.prototype, 'handle', 'events', wrap), false);
    assert.equal(wraps, 2);
  });

  it('wraps an inherited method where it is defined, so every subclass sees the wrapper', () => {
    class Base {
      process(): string {
        return 'base';
      }
    }
    class Child extends Base {}
    assert.equal(
      wrapPrototypeMethod(Child.prototype, 'process', 'test', (original) => function (this: unknown) {
        return `wrapped ${String(original.apply(this, []))}`;
      }),
      true,
    );
    assert.ok(Object.prototype.hasOwnProperty.call(Base.prototype, 'process'));
    assert.ok(!Object.prototype.hasOwnProperty.call(Child.prototype, 'process'));
    assert.equal(new Child().process(), 'wrapped base');
  });

  it('leaves getters and missing methods alone', () => {
    class Config {
      get value(): number {
        return 1;
      }
    }
    const wrap = (original: (...args: unknown[]) => unknown) => original;
    assert.equal(wrapPrototypeMethod(Config.prototype, 'value', 'test', wrap), false);
    assert.equal(wrapPrototypeMethod(Config.prototype, 'missing', 'test', wrap), false);
    assert.equal(new Config().value, 1);
  });
});

/**
 * Replaces a method on the prototype that defines it, keeping what Nest and other libraries read
 * from it: its Reflect metadata (decorators such as `@Cron` and `@OnEvent` store it on the function),
 * its `name` and its `length`. Wrapping twice (two apps sharing a class) is a no-op; which app a call belongs to is the
 * client registry's answer (`ownerOfCall`).
 */
import 'reflect-metadata';
import { copyFunctionIdentity } from '../../tracing/method-metadata';

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

const WRAPPED = Symbol.for('teracron.integrations.wrapped');
const WRAPPED_INNER = Symbol.for('teracron.integrations.wrapped.inner');

/** The prototype in `prototype`'s chain that owns `key`, or undefined. */
function ownerOf(prototype: object, key: string): object | undefined {
  let current: object | null = prototype;
  for (let depth = 0; current && current !== Object.prototype && depth < 64; depth++) {
    if (Object.prototype.hasOwnProperty.call(current, key)) return current;
    current = Object.getPrototypeOf(current) as object | null;
  }
  return undefined;
}

export function isWrappedMethod(method: unknown, kind: string): boolean {
  return typeof method === 'function' && (method as unknown as Record<symbol, unknown>)[WRAPPED] === kind;
}

/**
 * Wraps `prototype[key]` where it is defined. `kind` tells wrappers of different integrations apart,
 * so one method can carry, say, a schedule wrapper over a processor wrapper, each at most once.
 * Returns false when there is nothing to wrap (not a plain method, or already wrapped for `kind`).
 */
export function wrapPrototypeMethod(prototype: object, key: string, kind: string, wrap: (original: AnyMethod) => AnyMethod): boolean {
  const owner = ownerOf(prototype, key);
  if (!owner) return false;
  const descriptor = Object.getOwnPropertyDescriptor(owner, key);
  if (!descriptor || typeof descriptor.value !== 'function' || !descriptor.writable) return false;
  const original = descriptor.value as AnyMethod;
  if (hasWrapperOf(original, kind)) return false;

  const wrapper = wrap(original);
  copyFunctionIdentity(original, wrapper);
  Object.defineProperty(wrapper, WRAPPED, { value: kind });
  Object.defineProperty(wrapper, WRAPPED_INNER, { value: original });
  Object.defineProperty(owner, key, { ...descriptor, value: wrapper });
  return true;
}

/** True if `method` or any wrapper below it is ours for `kind`; the chain is short (one per integration). */
function hasWrapperOf(method: AnyMethod, kind: string): boolean {
  let current: unknown = method;
  for (let depth = 0; typeof current === 'function' && depth < 8; depth++) {
    if (isWrappedMethod(current, kind)) return true;
    current = (current as unknown as Record<symbol, unknown>)[WRAPPED_INNER];
  }
  return false;
}

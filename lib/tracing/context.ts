/**
 * The one AsyncLocalStorage of the tracing engine. The value stored is the innermost open span
 * itself (or an unsampled stand-in that only carries the trace id), so entering a span costs no
 * extra allocation. Context objects never change once stored, so concurrent work cannot mix.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TraceContext } from './span-handle';

export type { TraceContext } from './span-handle';

const storage = new AsyncLocalStorage<TraceContext>();

export function currentTraceContext(): TraceContext | undefined {
  return storage.getStore();
}

export function runInTraceContext<T>(context: TraceContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** Sets the context for the rest of the current synchronous run and what it schedules. */
export function enterTraceContext(context: TraceContext): void {
  storage.enterWith(context);
}

/** Clears the context for the rest of the current synchronous run and what it schedules. */
export function leaveTraceContext(): void {
  if (storage.getStore() !== undefined) storage.enterWith(undefined as unknown as TraceContext);
}

/** Runs fn outside any trace (work of a request that turned out to be excluded). */
export function runOutsideTraceContext<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** `Reflect.apply(fn, self, args)` inside the context, without allocating a closure per call (route callbacks). */
export function applyInTraceContext<T>(context: TraceContext, fn: (...args: unknown[]) => T, self: unknown, args: ArrayLike<unknown>): T {
  return storage.run(context, Reflect.apply as (fn: (...a: unknown[]) => T, self: unknown, args: ArrayLike<unknown>) => T, fn, self, args);
}

/**
 * Puts back the context read before an `enterTraceContext` (undefined: none). With the call in
 * between, the pair does what `run` does, without `run`'s frames on the stack.
 */
export function restoreTraceContext(context: TraceContext | undefined): void {
  storage.enterWith(context as TraceContext);
}

/**
 * Hooks on the prototypes of Nest's own classes (ClientProxy, Server, the exceptions handlers),
 * which every app of the process shares: a method is replaced once, whatever the number of apps
 * that turned it on, and put back when the last of them shuts down. Never throws.
 */
export interface Prototype {
  [key: string]: unknown;
}

/** Replaces `prototype[key]` (when it is a function) by `wrap(original)`; returns the undo, or undefined when there was nothing to wrap. */
export function wrapMethod(prototype: Prototype | undefined, key: string, wrap: (original: Function) => Function): (() => void) | undefined {
  const original = prototype?.[key];
  if (typeof original !== 'function' || prototype === undefined) return undefined;
  const wrapped = wrap(original);
  Object.defineProperty(wrapped, 'name', { value: original.name });
  prototype[key] = wrapped;
  return () => {
    if (prototype[key] === wrapped) prototype[key] = original;
  };
}

/**
 * A hook shared by the apps of the process: each call of the returned function turns it on for one
 * app (`install` runs for the first) and returns that app's release (safe to call twice); the last
 * release runs the undo `install` returned.
 */
export function sharedHook(install: () => (() => void) | undefined): () => () => void {
  let users = 0;
  let undo: (() => void) | undefined;
  return () => {
    if (users++ === 0) undo = install();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--users === 0) {
        undo?.();
        undo = undefined;
      }
    };
  };
}

/**
 * Finds provider and controller methods that carry a given decorator's metadata, by class, so it
 * works before the instances exist (the schedule and BullMQ explorers bind methods in their own
 * onModuleInit, which may run before ours). Factory providers are found only once instantiated.
 */
import type { DiscoveryService, MetadataScanner } from '@nestjs/core';

type Wrapper = ReturnType<DiscoveryService['getProviders']>[number];

export interface DecoratedClass {
  /** The prototype the provider's instances use. */
  prototype: object;
  /** Constructor of that prototype. */
  classRef: Function;
  className: string;
}

export interface DecoratedMethod extends DecoratedClass {
  key: string;
  method: Function;
}

/** Every distinct class behind the app's providers and controllers. */
export function discoverClasses(discovery: DiscoveryService, options: { withInstances: boolean }): DecoratedClass[] {
  const seen = new Set<object>();
  const found: DecoratedClass[] = [];
  for (const wrapper of [...discovery.getProviders(), ...discovery.getControllers()]) {
    const prototype = prototypeOf(wrapper, options.withInstances);
    if (!prototype || seen.has(prototype)) continue;
    seen.add(prototype);
    const classRef = (prototype as { constructor?: unknown }).constructor;
    if (typeof classRef !== 'function' || classRef === Object) continue;
    found.push({ prototype, classRef, className: classRef.name || 'anonymous' });
  }
  return found;
}

export function discoverMethods(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  options: { withInstances: boolean },
  matches: (method: Function) => boolean,
): DecoratedMethod[] {
  const found: DecoratedMethod[] = [];
  for (const decoratedClass of discoverClasses(discovery, options)) {
    for (const key of scanner.getAllMethodNames(decoratedClass.prototype)) {
      const method = (decoratedClass.prototype as Record<string, unknown>)[key];
      if (typeof method === 'function' && matches(method)) found.push({ ...decoratedClass, key, method });
    }
  }
  return found;
}

function prototypeOf(wrapper: Wrapper, withInstances: boolean): object | undefined {
  if (wrapper.isAlias) return undefined;
  const { metatype } = wrapper;
  // A factory's metatype is the factory function, not the class it returns.
  if (typeof metatype === 'function' && !wrapper.inject && metatype.prototype) return metatype.prototype as object;
  if (!withInstances) return undefined;
  const instance = wrapper.instance as unknown;
  if (!instance || typeof instance !== 'object') return undefined;
  return Object.getPrototypeOf(instance) as object;
}

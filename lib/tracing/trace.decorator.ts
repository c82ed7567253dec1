/**
 * `@Trace(workflow, options?)` on a method (or a class: every own method). The wrapper keeps the
 * method's name, length and Reflect metadata, so Nest's routing, pipes and guards see no
 * difference in either decorator order. Per call it costs one context lookup when nothing is
 * recorded; spans and capture happen only for sampled traces of a running client
 * (method-span.ts), encoding never on this path.
 */
import { TeracronConfigError } from '../core/config/config-error';
import { captureMarksOf } from './capture.decorator';
import { copyFunctionIdentity } from './method-metadata';
import { tracedMethod, type CaptureSlot, type TracedSite } from './method-span';
import { parameterNames } from './parameter-names';

export interface TraceOptions {
  /** Parameter names whose values are sent with the span (opt-in). */
  capture?: string[];
  /** Default `ClassName.methodName`. */
  operation?: string;
}

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

const ORIGINAL = Symbol('teracron.traced.original');

export function Trace(workflow: string, options: TraceOptions = {}): MethodDecorator & ClassDecorator {
  if (typeof workflow !== 'string' || workflow.trim() === '') {
    throw new TeracronConfigError('@Trace(workflow) needs a workflow name, e.g. @Trace("payment").');
  }
  return ((target: object, propertyKey?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (propertyKey === undefined) {
      traceClass(target as Function, workflow, options);
      return undefined;
    }
    if (!descriptor || typeof descriptor.value !== 'function') {
      throw new TeracronConfigError(`@Trace("${workflow}") on ${nameOf(target)}.${String(propertyKey)}: only methods can be traced (not getters, setters or fields).`);
    }
    descriptor.value = wrapMethod(descriptor.value as AnyMethod, target, propertyKey, workflow, options);
    return descriptor;
  }) as MethodDecorator & ClassDecorator;
}

function traceClass(constructor: Function, workflow: string, options: TraceOptions): void {
  if (options.capture !== undefined) {
    throw new TeracronConfigError(`@Trace("${workflow}") on class ${constructor.name}: "capture" names parameters of one method; put @Trace with capture on the method, or @Capture() on the parameters.`);
  }
  const prototype = constructor.prototype as Record<string | symbol, unknown>;
  for (const key of Reflect.ownKeys(prototype)) {
    if (key === 'constructor') continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    if (!descriptor || typeof descriptor.value !== 'function' || (descriptor.value as { [ORIGINAL]?: unknown })[ORIGINAL] !== undefined) continue;
    descriptor.value = wrapMethod(descriptor.value as AnyMethod, prototype, key, workflow, {});
    Object.defineProperty(prototype, key, descriptor);
  }
}

function wrapMethod(original: AnyMethod, target: object, propertyKey: string | symbol, workflow: string, options: TraceOptions): AnyMethod {
  const site: TracedSite = {
    workflow,
    operation: options.operation || `${nameOf(target)}.${String(propertyKey)}`,
    capture: capturePlan(original, target, propertyKey, options.capture),
    arity: forwardedArity(original),
  };
  const traced = tracedMethod(original, site);
  copyFunctionIdentity(original, traced);
  Object.defineProperty(traced, ORIGINAL, { value: original });
  return traced;
}

/**
 * 0 or 1 when the method declares that many parameters and cannot see an argument beyond them,
 * so forwarding only those is the same call: a strict function (anything holding a sloppy one
 * can read its arguments as `fn.arguments`) whose source has no rest parameter and never names
 * `arguments` or `eval` (nor holds an escape that could spell them). Otherwise null: the wrapper
 * forwards every argument, at the cost of one more slot on the stack per traced level.
 */
function forwardedArity(original: AnyMethod): 0 | 1 | null {
  if (Object.prototype.hasOwnProperty.call(original, 'arguments')) return null;
  let source: string;
  try {
    source = Function.prototype.toString.call(original);
  } catch {
    return null;
  }
  if (/\barguments\b|\beval\b|\\u|\[native code\]/.test(source)) return null;
  const parameters = parameterNames(original);
  if (parameters.length < original.length || parameters.some((p) => p.rest)) return null;
  return parameters.length === 0 ? 0 : parameters.length === 1 ? 1 : null;
}

/** Decoration-time: which argument indexes are sent, by `capture` names and `@Capture()` marks. */
function capturePlan(original: AnyMethod, target: object, propertyKey: string | symbol, names: string[] | undefined): CaptureSlot[] | null {
  const slots: CaptureSlot[] = captureMarksOf(target, propertyKey).map((mark) => ({ index: mark.index, name: mark.name, rest: false }));
  if (names !== undefined) {
    if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
      throw new TeracronConfigError(`@Trace on ${nameOf(target)}.${String(propertyKey)}: "capture" must be an array of parameter names.`);
    }
    const parameters = parameterNames(original);
    for (const name of names) {
      const index = parameters.findIndex((p) => p.name === name);
      if (index < 0) {
        const known = parameters.map((p) => p.name).filter((n): n is string => n !== null);
        throw new TeracronConfigError(
          `@Trace on ${nameOf(target)}.${String(propertyKey)}: cannot capture "${name}": the method's parameters are ${known.length ? known.map((n) => `"${n}"`).join(', ') : '(none)'}${parameters.some((p) => p.name === null) ? ' (destructured parameters cannot be captured by name; use @Capture("name") on them)' : ''}.`,
        );
      }
      if (!slots.some((s) => s.index === index)) slots.push({ index, name, rest: parameters[index]!.rest });
    }
  }
  const parameters = slots.length > 0 ? parameterNames(original) : [];
  for (const slot of slots) if (parameters[slot.index]?.rest) slot.rest = true;
  return slots.length === 0 ? null : slots;
}

function nameOf(target: object): string {
  return typeof target === 'function' ? target.name : (target.constructor?.name ?? 'Object');
}

/**
 * `@Trace(workflow, options?)` on a method (or a class: every own method). The wrapper keeps the
 * method's name, length and Reflect metadata, so Nest's routing, pipes and guards see no
 * difference in either decorator order. Per call it costs one context lookup when nothing is
 * recorded; spans, capture and encoding happen only for sampled traces of a running client.
 */
import { newestRunningClient } from '../core/client-registry';
import { TeracronConfigError } from '../core/config/config-error';
import { applyInTraceContext, currentTraceContext, type TraceContext } from './context';
import { captureMarksOf } from './capture.decorator';
import { copyFunctionIdentity } from './method-metadata';
import { parameterNames } from './parameter-names';
import { NOOP_SPAN } from './span';
import { endWithResult } from './traced-result';
import { startMethodSpan } from './trace-start';

export interface TraceOptions {
  /** Parameter names whose values are sent with the span (opt-in). */
  capture?: string[];
  /** Default `ClassName.methodName`. */
  operation?: string;
}

interface CaptureSlot {
  index: number;
  name: string;
  rest: boolean;
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
  const operation = options.operation || `${nameOf(target)}.${String(propertyKey)}`;
  const capture = capturePlan(original, target, propertyKey, options.capture);

  const traced = function (this: unknown): unknown {
    const context = currentTraceContext();
    if (context === undefined) {
      const client = newestRunningClient();
      if (client === undefined || !client.tracing.enabled) return Reflect.apply(original, this, arguments);
    } else if (!context.sampled) {
      return Reflect.apply(original, this, arguments);
    }
    return callTraced(original, this, arguments, workflow, operation, capture, context);
  };
  copyFunctionIdentity(original, traced);
  Object.defineProperty(traced, ORIGINAL, { value: original });
  return traced;
}

function callTraced(original: AnyMethod, self: unknown, args: IArguments, workflow: string, operation: string, capture: readonly CaptureSlot[] | null, context: TraceContext | undefined): unknown {
  const span = startMethodSpan(workflow, operation, context);
  if (span === NOOP_SPAN) return Reflect.apply(original, self, args);
  if (!span.sampled) return applyInTraceContext(span, original, self, args);
  if (capture !== null) {
    try {
      span.setCaptured(capturedValues(capture, args));
    } catch {
      // Reading arguments never fails the call.
    }
  }
  let result: unknown;
  try {
    result = applyInTraceContext(span, original, self, args);
  } catch (error) {
    span.fail(error);
    throw error;
  }
  return endWithResult(span, result);
}

function capturedValues(capture: readonly CaptureSlot[], args: IArguments): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const slot of capture) {
    const value = slot.rest ? Array.prototype.slice.call(args, slot.index) : args[slot.index];
    if (value !== undefined) values[slot.name] = value;
  }
  return values;
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

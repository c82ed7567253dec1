/**
 * `@Capture(name?)` marks a parameter whose value may be sent with the span (opt-in capture).
 * Parameter decorators run before method and class decorators, so `@Trace` finds the marks
 * whichever way it is applied.
 */
import { parameterNames } from './parameter-names';

export interface CaptureMark {
  index: number;
  name: string;
}

const marks = new WeakMap<object, Map<string | symbol, CaptureMark[]>>();

export function Capture(name?: string): ParameterDecorator {
  return (target, propertyKey, index) => {
    if (propertyKey === undefined) return; // a constructor parameter: nothing to trace
    let byMethod = marks.get(target);
    if (!byMethod) marks.set(target, (byMethod = new Map()));
    const list = byMethod.get(propertyKey) ?? [];
    const method = (target as Record<string | symbol, unknown>)[propertyKey];
    const parsed = typeof method === 'function' ? parameterNames(method as () => unknown)[index]?.name : undefined;
    list.push({ index, name: name || parsed || `arg${index}` });
    byMethod.set(propertyKey, list);
  };
}

export function captureMarksOf(target: object, propertyKey: string | symbol): readonly CaptureMark[] {
  return marks.get(target)?.get(propertyKey) ?? [];
}

/**
 * Message handlers of hybrid apps. `app.connectMicroservice(options)` without
 * `inheritAppConfig: true` (as Nest's own samples do it) gives the microservice no global
 * interceptors, so our interceptor never sees its messages. At module construction, before any
 * microservice registers its listeners, the @MessagePattern / @EventPattern methods of the app's
 * controllers are wrapped (name, length and metadata kept): the wrapper opens the message span
 * only when the interceptor did not, so a message never gets two.
 */
import type { ModulesContainer } from '@nestjs/core';
import type { TraceSink } from '../core/trace-sink';
import { currentTraceContext } from '../tracing/context';
import { copyFunctionIdentity } from '../tracing/method-metadata';
import { endWithResult } from '../tracing/traced-result';
import { runInSpan, startSpan } from '../tracing/tracer';
import { patternName } from './message-operation';
import { isInterceptorMessageSpan } from './message-tracing';

const PATTERN_METADATA = 'microservices:pattern';
const WRAPPED = Symbol('teracron.message-handler');

type Handler = (this: unknown, ...args: unknown[]) => unknown;

/** The client of the app an instance belongs to; several apps in one process may share a class. */
const sinkByInstance = new WeakMap<object, TraceSink>();

export function wrapMessageHandlers(modules: ModulesContainer, workflow: string): void {
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const prototype = (wrapper.metatype as { prototype?: Record<string | symbol, unknown> } | undefined)?.prototype;
      if (prototype) wrapPrototype(prototype, workflow);
    }
  }
}

/** Binds the app's controller instances to its client once they exist. */
export function bindMessageHandlerInstances(modules: ModulesContainer, sink: TraceSink): void {
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const instance = wrapper.instance as object | undefined;
      if (instance && typeof instance === 'object') sinkByInstance.set(instance, sink);
    }
  }
}

function wrapPrototype(prototype: Record<string | symbol, unknown>, workflow: string): void {
  const getMetadata = (Reflect as { getMetadata?: (key: string, target: object) => unknown }).getMetadata;
  if (typeof getMetadata !== 'function') return;
  for (const key of Reflect.ownKeys(prototype)) {
    if (key === 'constructor') continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    const original = descriptor?.value as Handler | undefined;
    if (typeof original !== 'function' || (original as { [WRAPPED]?: true })[WRAPPED]) continue;
    const patterns = getMetadata(PATTERN_METADATA, original);
    if (!Array.isArray(patterns) || patterns.length === 0) continue;
    const operation = patterns.map(patternName).join(' | ');
    const traced = function (this: unknown): unknown {
      const context = currentTraceContext();
      const sink = (this !== null && typeof this === 'object' ? sinkByInstance.get(this) : undefined);
      if (sink === undefined || !sink.running || !sink.tracing.enabled || isInterceptorMessageSpan(context?.span)) {
        return Reflect.apply(original, this, arguments);
      }
      const span = startSpan(workflow, { operation, root: true, sink });
      let result: unknown;
      try {
        result = runInSpan(span, () => Reflect.apply(original, this, arguments));
      } catch (error) {
        span.fail(error);
        throw error;
      }
      return endWithResult(span, result);
    } as Handler;
    copyFunctionIdentity(original, traced);
    Object.defineProperty(traced, WRAPPED, { value: true });
    Object.defineProperty(prototype, key, { ...descriptor, value: traced });
  }
}

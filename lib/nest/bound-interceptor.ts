/**
 * Where the interceptor is bound by default: only to the handlers it traces besides HTTP routes
 * (microservice message handlers, WebSocket gateway messages, GraphQL resolvers), never globally,
 * so Nest builds no interceptor pipeline around the app's HTTP routes. The explorer puts one
 * process-wide interceptor in those methods' `@UseInterceptors` metadata at start-up (metadata
 * lives on classes two apps may share); each call goes to the interceptor of the newest running
 * app that bound the handler's class, and, when the call runs inside a trace (a GraphQL resolver in
 * its request's span), of the app whose client records that trace. With `httpInterceptor: true` the interceptor is global, as
 * Nest's APP_INTERCEPTOR, and nothing is bound here.
 */
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { TraceSink } from '../core/trace-sink';
import { currentTraceContext } from '../tracing/context';

/** @nestjs/common's INTERCEPTORS_METADATA (what `@UseInterceptors` writes). */
const INTERCEPTORS_METADATA = '__interceptors__';

interface Binding {
  readonly interceptor: NestInterceptor;
  readonly sink: TraceSink;
  readonly classes: ReadonlySet<Function>;
}

/** Bindings of running apps, oldest first; an app adds its own at bootstrap and removes it at shutdown. */
const bindings: Binding[] = [];

const CLASS_BOUND_INTERCEPTOR: NestInterceptor = {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const bound = context.getClass();
    const traceSink = currentTraceContext()?.sink;
    let newest: Binding | undefined;
    for (let i = bindings.length - 1; i >= 0; i--) {
      const binding = bindings[i]!;
      if (!binding.classes.has(bound)) continue;
      if (traceSink === undefined || binding.sink === traceSink) return binding.interceptor.intercept(context, next) as Observable<unknown>;
      newest ??= binding;
    }
    return newest === undefined ? next.handle() : (newest.interceptor.intercept(context, next) as Observable<unknown>);
  },
};

/** Puts the process-wide interceptor in the metadata of `prototype[key]` (the function Nest will read), once. */
export function bindInterceptorToMethod(prototype: object, key: string): void {
  const method = (prototype as Record<string, unknown>)[key];
  if (typeof method !== 'function') return;
  const existing = Reflect.getMetadata(INTERCEPTORS_METADATA, method) as unknown[] | undefined;
  if (existing?.includes(CLASS_BOUND_INTERCEPTOR)) return;
  Reflect.defineMetadata(INTERCEPTORS_METADATA, [...(existing ?? []), CLASS_BOUND_INTERCEPTOR], method);
}

/** Calls of bound handlers of these classes go to `interceptor` (of the app `sink` records) until the returned release is called. */
export function routeBoundCalls(interceptor: NestInterceptor, sink: TraceSink, classes: ReadonlySet<Function>): () => void {
  const binding: Binding = { interceptor, sink, classes };
  bindings.push(binding);
  return () => {
    const index = bindings.indexOf(binding);
    if (index >= 0) bindings.splice(index, 1);
  };
}

/** The interceptors Nest sees on a function or class (tests and the explorer's checks). */
export function interceptorsBoundTo(target: Function): readonly unknown[] {
  return (Reflect.getMetadata(INTERCEPTORS_METADATA, target) as unknown[] | undefined) ?? [];
}

export function isClassBoundInterceptor(value: unknown): boolean {
  return value === CLASS_BOUND_INTERCEPTOR;
}

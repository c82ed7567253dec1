/**
 * `@OnEvent` listeners of @nestjs/event-emitter, found by the metadata the decorator puts on the
 * method (EVENT_LISTENER_METADATA), so @nestjs/event-emitter is never imported. The emitter calls
 * listeners synchronously from `emit`/`emitAsync`, so each call is a child of the emitter's span
 * (a root when emitted outside a trace). Errors are recorded and re-thrown untouched, so the
 * emitter's own handling (suppressErrors, emitAsync rejecting) is exactly as before.
 */
import { ownerOfCall } from '../../core/client-registry';
import { span } from '../../tracing/tracer';
import type { DecoratedMethod } from './decorated-methods';
import { wrapPrototypeMethod } from './method-wrapping';

export const EVENT_LISTENER_KIND = 'event-listener';

/** EVENT_LISTENER_METADATA of @nestjs/event-emitter (constants): `[{ event, options }, …]` on the method. */
const EVENT_LISTENER_METADATA = 'EVENT_LISTENER_METADATA';

export function isEventListenerMethod(method: Function): boolean {
  return Array.isArray(Reflect.getMetadata(EVENT_LISTENER_METADATA, method));
}

export function wrapEventListenerMethod(found: DecoratedMethod): boolean {
  const operation = `${found.className}.${found.key}`;
  const event = singleEventName(found.method);
  const metadata = event === undefined ? undefined : { event };
  return wrapPrototypeMethod(found.prototype, found.key, EVENT_LISTENER_KIND, (original) =>
    function eventListener(this: unknown, ...args: unknown[]): unknown {
      const owner = ownerOfCall(EVENT_LISTENER_KIND, this);
      if (owner === undefined || !owner.sink.tracing.enabled) return original.apply(this, args);
      return span(owner.workflow, { operation, sink: owner.sink, metadata }, () => original.apply(this, args));
    },
  );
}

/** The event's name when the method listens to exactly one (a call does not say which one fired). */
function singleEventName(method: Function): string | undefined {
  const listeners = Reflect.getMetadata(EVENT_LISTENER_METADATA, method) as Array<{ event?: unknown }> | undefined;
  if (!listeners || listeners.length !== 1) return undefined;
  const event = listeners[0]!.event;
  if (typeof event === 'string') return event;
  if (typeof event === 'symbol') return event.description ?? 'symbol';
  if (Array.isArray(event) && event.every((part) => typeof part === 'string')) return event.join('.');
  return undefined;
}

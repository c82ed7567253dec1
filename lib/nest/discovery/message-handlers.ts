/**
 * Message handlers of hybrid apps. `app.connectMicroservice(options)` without
 * `inheritAppConfig: true` (as Nest's own samples do it) gives the microservice no global
 * interceptors, so our interceptor never sees its messages. At start-up, before any microservice
 * registers its listeners, the @MessagePattern / @EventPattern methods of the app's controllers
 * are wrapped (name, length and metadata kept); each call goes to message-spans, which opens the
 * span only when the interceptor did not.
 */
import { ownerOfCall } from '../../core/client-registry';
import { runMessageHandler } from '../message-spans';
import { PATTERN_METADATA, patternName } from '../message-operation';
import type { DecoratedMethod } from './decorated-methods';
import { wrapPrototypeMethod } from './method-wrapping';

export const MESSAGE_HANDLER_KIND = 'message-handler';

function patternsOf(method: Function): unknown[] | undefined {
  const patterns = typeof Reflect.getMetadata === 'function' ? (Reflect.getMetadata(PATTERN_METADATA, method) as unknown) : undefined;
  return Array.isArray(patterns) && patterns.length > 0 ? patterns : undefined;
}

export function isMessageHandlerMethod(method: Function): boolean {
  return patternsOf(method) !== undefined;
}

export function wrapMessageHandler(found: DecoratedMethod): boolean {
  const operation = patternsOf(found.method)!.map(patternName).join(' | ');
  return wrapPrototypeMethod(found.prototype, found.key, MESSAGE_HANDLER_KIND, (original) =>
    function messageHandler(this: unknown, ...args: unknown[]): unknown {
      const owner = ownerOfCall(MESSAGE_HANDLER_KIND, this);
      if (owner === undefined || !owner.sink.tracing.enabled) return Reflect.apply(original, this, args);
      return runMessageHandler(owner.sink, operation, () => Reflect.apply(original, this, args));
    },
  );
}

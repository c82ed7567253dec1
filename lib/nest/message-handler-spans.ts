/**
 * Message handlers of hybrid apps. `app.connectMicroservice(options)` without
 * `inheritAppConfig: true` (as Nest's own samples do it) gives the microservice no global
 * interceptors, so our interceptor never sees its messages. At start-up, before any
 * microservice registers its listeners, the @MessagePattern / @EventPattern methods of the app's
 * controllers are wrapped (name, length and metadata kept): the wrapper opens the message span
 * only when the interceptor did not, so a message never gets two.
 */
import type { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { TraceSink } from '../core/trace-sink';
import { discoverMethods } from '../integrations/discovery/decorated-methods';
import { wrapPrototypeMethod } from '../integrations/discovery/method-wrapping';
import { currentTraceContext } from '../tracing/context';
import { span } from '../tracing/tracer';
import { patternName } from './message-operation';
import { isInterceptorMessageSpan } from './message-tracing';

const PATTERN_METADATA = 'microservices:pattern';

/** The client of the app an instance belongs to; several apps in one process may share a class. */
const sinkByInstance = new WeakMap<object, TraceSink>();

function patternsOf(method: Function): unknown[] | undefined {
  const patterns = typeof Reflect.getMetadata === 'function' ? (Reflect.getMetadata(PATTERN_METADATA, method) as unknown) : undefined;
  return Array.isArray(patterns) && patterns.length > 0 ? patterns : undefined;
}

export class MessageHandlerSpans {
  constructor(
    private readonly discovery: DiscoveryService,
    scanner: MetadataScanner,
    workflow: string,
  ) {
    for (const found of discoverMethods(discovery, scanner, { withInstances: false }, (method) => patternsOf(method) !== undefined)) {
      const operation = patternsOf(found.method)!.map(patternName).join(' | ');
      wrapPrototypeMethod(found.prototype, found.key, 'message-handler', (original) =>
        function (this: unknown, ...args: unknown[]): unknown {
          const sink = this !== null && typeof this === 'object' ? sinkByInstance.get(this) : undefined;
          if (sink === undefined || !sink.running || !sink.tracing.enabled || isInterceptorMessageSpan(currentTraceContext()?.span)) {
            return Reflect.apply(original, this, args);
          }
          return span(workflow, { operation, root: true, sink }, () => Reflect.apply(original, this, args));
        },
      );
    }
  }

  /** Binds the app's controller instances (they exist once the app is bootstrapped) to its client. */
  bind(sink: TraceSink): void {
    for (const wrapper of this.discovery.getControllers()) {
      const instance: unknown = wrapper.instance;
      if (instance !== null && typeof instance === 'object') sinkByInstance.set(instance, sink);
    }
  }
}

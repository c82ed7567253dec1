/**
 * The providers every TeracronModule.forRoot / forRootAsync adds beside its options: the app's
 * client, its tracer, the resolved Nest-layer options, the scrubber slot, the global interceptor
 * and the background-work integrations. One client per app, so several apps in one process never
 * share queues or lifecycles.
 */
import type { Provider } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { TeracronClient } from '../core/client';
import { TeracronTracer } from '../tracing/tracer';
import { backgroundWorkProviders } from '../integrations/background-work.providers';
import { GraphqlTracing } from './graphql/graphql-tracing';
import { createNestLoggerAdapter } from './nest-logger-adapter';
import { isScrubberProvided } from './scrubber-provider-lookup';
import { ScrubberSlot } from './scrubber-slot';
import { MODULE_OPTIONS_TOKEN } from './teracron.module-definition';
import { RPC_WORKFLOW, TeracronInterceptor } from './teracron.interceptor';
import { MessageHandlerSpans } from './message-handler-spans';
import { coreOptionsOf, resolveNestLayerOptions, type TeracronModuleOptions } from './teracron-module-options';
import { TERACRON_NEST_LAYER } from './teracron-nest-layer.token';

/** The scrubber slot of this app, or null when no TERACRON_SCRUBBER is registered anywhere. */
export const TERACRON_SCRUBBER_SLOT = Symbol('TERACRON_SCRUBBER_SLOT');

/** Built once per app at start-up: wraps the message handlers before any microservice listens. */
export const TERACRON_MESSAGE_HANDLERS = Symbol('TERACRON_MESSAGE_HANDLERS');

export function teracronProviders(): Provider[] {
  return [
    {
      provide: TERACRON_MESSAGE_HANDLERS,
      useFactory: (discovery: DiscoveryService, scanner: MetadataScanner) => new MessageHandlerSpans(discovery, scanner, RPC_WORKFLOW),
      inject: [DiscoveryService, MetadataScanner],
    },
    {
      provide: TERACRON_NEST_LAYER,
      useFactory: (options: TeracronModuleOptions | undefined) => resolveNestLayerOptions(options ?? {}),
      inject: [MODULE_OPTIONS_TOKEN],
    },
    {
      provide: TERACRON_SCRUBBER_SLOT,
      useFactory: (modules: ModulesContainer) => (isScrubberProvided(modules) ? new ScrubberSlot() : null),
      inject: [ModulesContainer],
    },
    {
      provide: TeracronClient,
      useFactory: (options: TeracronModuleOptions | undefined, slot: ScrubberSlot | null) => {
        const given = options ?? {};
        return new TeracronClient({
          ...coreOptionsOf(given),
          logger: given.logger ?? createNestLoggerAdapter(),
          // A TERACRON_SCRUBBER provider wins over the tracingScrubber option.
          tracingScrubber: slot === null ? given.tracingScrubber : slot.scrub,
        });
      },
      inject: [MODULE_OPTIONS_TOKEN, TERACRON_SCRUBBER_SLOT],
    },
    {
      provide: TeracronTracer,
      useFactory: (client: TeracronClient) => new TeracronTracer(client),
      inject: [TeracronClient],
    },
    { provide: APP_INTERCEPTOR, useClass: TeracronInterceptor },
    GraphqlTracing,
    ...backgroundWorkProviders(MODULE_OPTIONS_TOKEN, TeracronClient),
  ];
}

/**
 * The providers of every TeracronModule, declared once: the app's client, its tracer, its HTTP
 * request spans, the resolved Nest-layer options, the scrubber slot, the explorer, the lifecycle
 * and the interceptor (global only with `httpInterceptor: true`; else the explorer binds it where it is needed). They read the options through the token ConfigurableModuleBuilder
 * provides, so forRoot and forRootAsync share them. One client per app, so several apps in one
 * process never share queues or lifecycles.
 */
import type { Provider } from '@nestjs/common';
import { APP_INTERCEPTOR, ModulesContainer } from '@nestjs/core';
import { TeracronClient } from '../core/client';
import { HttpRequestSpans } from '../http/http-request-spans';
import type { TeracronOptions } from '../core/config/options';
import { TeracronTracer } from '../tracing/tracer';
import { resolveBackgroundWork } from './background-work-options';
import { GraphqlTracing } from './graphql/graphql-tracing';
import { createNestLoggerAdapter } from './nest-logger-adapter';
import { isScrubberProvided, ScrubberSlot } from './teracron-scrubber';
import { coreOptionsOf, resolveNestLayerOptions, unknownModuleOptionWarnings, type NestLayerOptions, type TeracronModuleOptions } from './teracron-module-options';
import { TERACRON_BACKGROUND_WORK, TERACRON_HTTP_SPANS, TERACRON_MODULE_OPTIONS, TERACRON_NEST_LAYER, TERACRON_SCRUBBER_SLOT } from './teracron.constants';
import { TeracronExplorer } from './teracron.explorer';
import { TeracronInterceptor } from './teracron.interceptor';
import { TeracronLifecycle } from './teracron.lifecycle';

/** The app's client options: the module's core options, Nest's logger, and the app's scrubber. */
export function clientOptionsOf(options: TeracronModuleOptions | undefined, slot: ScrubberSlot | null): TeracronOptions {
  const given = options ?? {};
  const logger = given.logger ?? createNestLoggerAdapter();
  for (const warning of unknownModuleOptionWarnings(given)) logger.warn(warning);
  return {
    ...coreOptionsOf(given),
    logger,
    // A TeracronScrubber provider wins over the tracingScrubber option.
    tracingScrubber: slot === null ? given.tracingScrubber : slot.scrub,
  };
}

export const TERACRON_PROVIDERS: Provider[] = [
  {
    provide: TERACRON_NEST_LAYER,
    useFactory: (options: TeracronModuleOptions | undefined) => resolveNestLayerOptions(options ?? {}),
    inject: [TERACRON_MODULE_OPTIONS],
  },
  {
    provide: TERACRON_BACKGROUND_WORK,
    useFactory: (options: TeracronModuleOptions | undefined) => resolveBackgroundWork(options),
    inject: [TERACRON_MODULE_OPTIONS],
  },
  {
    provide: TERACRON_SCRUBBER_SLOT,
    useFactory: (modules: ModulesContainer) => (isScrubberProvided(modules) ? new ScrubberSlot() : null),
    inject: [ModulesContainer],
  },
  {
    provide: TeracronClient,
    useFactory: (options: TeracronModuleOptions | undefined, slot: ScrubberSlot | null) => new TeracronClient(clientOptionsOf(options, slot)),
    inject: [TERACRON_MODULE_OPTIONS, TERACRON_SCRUBBER_SLOT],
  },
  {
    provide: TeracronTracer,
    useFactory: (client: TeracronClient) => new TeracronTracer(client),
    inject: [TeracronClient],
  },
  {
    provide: TERACRON_HTTP_SPANS,
    useFactory: (layer: NestLayerOptions) => new HttpRequestSpans({ workflow: layer.workflow, exclude: layer.exclude }),
    inject: [TERACRON_NEST_LAYER],
  },
  TeracronExplorer,
  TeracronLifecycle,
  GraphqlTracing,
  TeracronInterceptor,
  // Nest skips a global enhancer whose factory gives nothing: by default no interceptor runs around HTTP routes.
  {
    provide: APP_INTERCEPTOR,
    useFactory: (layer: NestLayerOptions, interceptor: TeracronInterceptor) => (layer.httpInterceptor ? interceptor : null),
    inject: [TERACRON_NEST_LAYER, TeracronInterceptor],
  },
];

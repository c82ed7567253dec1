/**
 * TeracronModule: the Nest door onto the framework-free client and tracer. It adds providers to
 * what ConfigurableModuleBuilder generates and runs the client with the app: started once the app
 * is bootstrapped, stopped with a final flush in Nest's shutdown hooks (`app.close()`, or SIGTERM
 * after `enableShutdownHooks()`). That flush waits at most min(timeoutSeconds, 5) seconds, so a
 * hanging ingest never holds a shutdown longer.
 */
import { Inject, Module, Optional, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule, HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { TeracronClient } from '../core/client';
import type { TeracronLogger } from '../core/logger';
import { TeracronTracer } from '../tracing/tracer';
import { correlateConsoleLogger } from './console-logger-correlation';
import { createNestLoggerAdapter } from './nest-logger-adapter';
import { enableOutboundPropagation } from './outbound-propagation';
import { providedScrubber } from './scrubber-provider-lookup';
import type { ScrubberSlot } from './scrubber-slot';
import { ASYNC_OPTIONS_TYPE, ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, OPTIONS_TYPE } from './teracron.module-definition';
import type { NestLayerOptions, TeracronModuleOptions } from './teracron-module-options';
import { TERACRON_NEST_LAYER } from './teracron-nest-layer.token';
import { TERACRON_MESSAGE_HANDLERS, TERACRON_SCRUBBER_SLOT, teracronProviders } from './teracron-providers';
import type { MessageHandlerSpans } from './message-handler-spans';
import { traceHttpServerOf } from './http-server-spans';

export const MISSING_API_KEY_WARNING =
  'Teracron telemetry is off: no API key. Set TERACRON_API_KEY or TeracronModule.forRoot({ apiKey }) — run `npx teracron-agent dev` for a local development key.';

/** Upper bound of the final flush at shutdown, whatever timeoutSeconds says. */
const MAX_SHUTDOWN_FLUSH_MS = 5_000;

@Module({})
export class TeracronModule extends ConfigurableModuleClass implements OnApplicationBootstrap, OnApplicationShutdown {
  private disposeOutbound: (() => void) | undefined;
  private disposeServerSpans: (() => void) | undefined;
  private disposeLogCorrelation: (() => void) | undefined;

  constructor(
    private readonly client: TeracronClient,
    private readonly moduleRef: ModuleRef,
    @Inject(TERACRON_NEST_LAYER) private readonly layer: NestLayerOptions,
    @Inject(TERACRON_SCRUBBER_SLOT) private readonly scrubberSlot: ScrubberSlot | null,
    @Inject(MODULE_OPTIONS_TOKEN) private readonly options: TeracronModuleOptions | undefined,
    @Inject(TERACRON_MESSAGE_HANDLERS) private readonly messageHandlers: MessageHandlerSpans,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    super();
  }

  /** `forRoot()` with no options reads everything from the environment (TERACRON_API_KEY, …). */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return withTeracronProviders(super.forRoot(options));
  }

  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withTeracronProviders(super.forRootAsync(options));
  }

  onApplicationBootstrap(): void {
    // All providers exist now, including a scrubber class built after the client.
    if (this.scrubberSlot !== null) this.scrubberSlot.bind(providedScrubber(this.moduleRef));
    if (!this.client.enabled) {
      this.logger().warn(MISSING_API_KEY_WARNING);
      return;
    }
    this.client.start();
    this.messageHandlers.bind(this.client);
    this.disposeOutbound ??= enableOutboundPropagation({ propagateTo: this.layer.propagateTo });
    if (this.client.tracing.enabled) this.disposeServerSpans ??= traceHttpServerOf(this.adapterHost, this.client, this.layer);
    if (this.client.tracing.enabled) this.disposeLogCorrelation ??= correlateConsoleLogger();
  }

  async onApplicationShutdown(): Promise<void> {
    const dispose = this.disposeOutbound;
    this.disposeOutbound = undefined;
    dispose?.();
    this.disposeServerSpans?.();
    this.disposeServerSpans = undefined;
    this.disposeLogCorrelation?.();
    this.disposeLogCorrelation = undefined;
    await this.client.stop(shutdownFlushDeadlineMs(this.client));
  }

  private logger(): TeracronLogger {
    return this.options?.logger ?? createNestLoggerAdapter();
  }
}

function withTeracronProviders(definition: DynamicModule): DynamicModule {
  return {
    ...definition,
    imports: [...(definition.imports ?? []), DiscoveryModule],
    providers: [...(definition.providers ?? []), ...teracronProviders()],
    exports: [...(definition.exports ?? []), TeracronClient, TeracronTracer, MODULE_OPTIONS_TOKEN],
  };
}

function shutdownFlushDeadlineMs(client: TeracronClient): number {
  return Math.min(client.config.timeoutSeconds * 1_000, MAX_SHUTDOWN_FLUSH_MS);
}

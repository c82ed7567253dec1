/**
 * The app's telemetry lifecycle, as a provider: once the app is bootstrapped it binds the user's
 * scrubber, starts the client, hands it the wrapped methods, turns on outbound propagation and
 * microservice tracing (client spans, the trace carried with each message), attaches the request spans to the app's HTTP server and trace ids to Nest's log lines; in Nest's shutdown hooks (`app.close()`, or
 * SIGTERM after `enableShutdownHooks()`) it undoes that and stops the client with a final flush,
 * which waits at most min(timeoutSeconds, 5) seconds, so a hanging ingest never holds a shutdown longer.
 */
import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { TeracronClient } from '../core/client';
import type { TeracronLogger } from '../core/logger';
import type { HttpRequestSpans } from '../http/http-request-spans';
import { routeTemplateOf } from '../http/route-template';
import { enableOutboundPropagation } from '../http/outbound-propagation';
import { correlateConsoleLogger } from './console-logger-correlation';
import { enableMicroserviceTracing } from './microservices/microservice-tracing';
import { createNestLoggerAdapter } from './nest-logger-adapter';
import { providedScrubber, type ScrubberSlot } from './teracron-scrubber';
import type { NestLayerOptions, TeracronModuleOptions } from './teracron-module-options';
import { TERACRON_HTTP_SPANS, TERACRON_MODULE_OPTIONS, TERACRON_NEST_LAYER, TERACRON_SCRUBBER_SLOT } from './teracron.constants';
import { TeracronExplorer } from './teracron.explorer';

export const MISSING_API_KEY_WARNING =
  'Teracron telemetry is off: no API key. Set TERACRON_API_KEY or TeracronModule.forRoot({ apiKey }) — run `npx teracron-agent dev` for a local development key.';

/** Upper bound of the final flush at shutdown, whatever timeoutSeconds says. */
const MAX_SHUTDOWN_FLUSH_MS = 5_000;

interface FastifyLike {
  addHook(name: 'onRequest', hook: (request: object, reply: unknown, done: () => void) => void): unknown;
}

@Injectable()
export class TeracronLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private disposeOutbound: (() => void) | undefined;
  private disposeLogCorrelation: (() => void) | undefined;
  private disposeMicroservices: (() => void) | undefined;
  private routeHookAdded = false;

  constructor(
    private readonly client: TeracronClient,
    private readonly explorer: TeracronExplorer,
    private readonly moduleRef: ModuleRef,
    @Inject(TERACRON_HTTP_SPANS) private readonly httpSpans: HttpRequestSpans,
    @Inject(TERACRON_NEST_LAYER) private readonly layer: NestLayerOptions,
    @Inject(TERACRON_SCRUBBER_SLOT) private readonly scrubberSlot: ScrubberSlot | null,
    @Inject(TERACRON_MODULE_OPTIONS) private readonly options: TeracronModuleOptions | undefined,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    // All providers exist now, including a scrubber class built after the client.
    if (this.scrubberSlot !== null) this.scrubberSlot.bind(providedScrubber(this.moduleRef));
    if (!this.client.enabled) {
      this.logger().warn(MISSING_API_KEY_WARNING);
      return;
    }
    this.client.start();
    this.explorer.claimFor(this.client);
    this.disposeOutbound ??= enableOutboundPropagation({ propagateTo: this.layer.propagateTo, propagation: this.layer.propagation, clientSpans: this.layer.clientSpans.http, sink: this.client });
    if (!this.client.tracing.enabled) return;
    this.disposeMicroservices ??= enableMicroserviceTracing({ sink: this.client, spans: this.layer.clientSpans.rpc });
    this.attachHttpServer();
    this.disposeLogCorrelation ??= correlateConsoleLogger();
  }

  async onApplicationShutdown(): Promise<void> {
    const dispose = this.disposeOutbound;
    this.disposeOutbound = undefined;
    dispose?.();
    this.disposeMicroservices?.();
    this.disposeMicroservices = undefined;
    this.explorer.release();
    this.httpSpans.detach();
    this.disposeLogCorrelation?.();
    this.disposeLogCorrelation = undefined;
    await this.client.stop(Math.min(this.client.config.timeoutSeconds * 1_000, MAX_SHUTDOWN_FLUSH_MS));
  }

  /** Express and Fastify both run on a Node server; a platform without one is traced by nothing else. */
  private attachHttpServer(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter) return;
    try {
      const server: unknown = adapter.getHttpServer();
      if (server === null || typeof server !== 'object') return;
      // Fastify routes before its onRequest hooks, but only its own request knows the route: name the span there.
      if (adapter.getType() === 'fastify' && !this.routeHookAdded) {
        this.routeHookAdded = true;
        (adapter.getInstance() as FastifyLike).addHook('onRequest', (request, _reply, done) => {
          try {
            this.httpSpans.routeMatched(request, routeTemplateOf(request));
          } finally {
            done();
          }
        });
      }
      this.httpSpans.attach(server, this.client);
    } catch {
      // A server we cannot attach to is served untraced.
    }
  }

  private logger(): TeracronLogger {
    return this.options?.logger ?? createNestLoggerAdapter();
  }
}

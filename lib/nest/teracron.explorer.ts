/**
 * All Nest discovery and wrapping, in one place: the app's scheduled methods, event listeners,
 * message handlers and BullMQ processors are found by the metadata their decorators leave (none of
 * @nestjs/schedule, @nestjs/event-emitter, @nestjs/microservices or @nestjs/bullmq is imported) and
 * wrapped on their prototypes. Wrapping happens while the app initialises: in the constructor,
 * before any onModuleInit (the schedule and BullMQ explorers take `instance[method]` in theirs, and
 * the order of module hooks depends on import order; microservices register their handlers even
 * later), with a second pass in onModuleInit for factory providers, whose class is known only once
 * they exist. At bootstrap the lifecycle hands the running client to `claimFor`, and the client
 * registry then answers which app each wrapped call belongs to.
 *
 * HTTP: the errors of every route reach their request span through Nest's ExceptionsHandler
 * (http-route-errors, in both modes). Unless `httpInterceptor: true`, the adapter's route callbacks
 * are wrapped for the request span's name and context (http-route-registration), and the interceptor is bound only to message handlers, gateway messages and GraphQL resolvers
 * (bound-interceptor), so no interceptor pipeline is built around HTTP routes.
 */
import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, HttpAdapterHost, MetadataScanner } from '@nestjs/core';
import { claimClasses } from '../core/client-registry';
import type { TraceSink } from '../core/trace-sink';
import type { HttpRequestSpans } from '../http/http-request-spans';
import type { ResolvedBackgroundWork } from './background-work-options';
import { bindInterceptorToMethod, routeBoundCalls } from './bound-interceptor';
import { discoverClasses, discoverMethods, type DecoratedMethod } from './discovery/decorated-methods';
import { EVENT_LISTENER_KIND, isEventListenerMethod, wrapEventListenerMethod } from './discovery/event-listener-methods';
import { isMessageHandlerMethod, MESSAGE_HANDLER_KIND, wrapMessageHandler } from './discovery/message-handlers';
import { isBullMQProcessorClass, wrapProcessorErrors } from './discovery/processor-errors';
import { isScheduledMethod, SCHEDULE_KIND, wrapScheduledMethod } from './discovery/scheduled-methods';
import { seeHttpRouteErrors } from './http-route-errors';
import { traceRouteRegistrations } from './http-route-registration';
import type { NestLayerOptions } from './teracron-module-options';
import { RPC_WORKFLOW, TERACRON_BACKGROUND_WORK, TERACRON_HTTP_SPANS, TERACRON_NEST_LAYER } from './teracron.constants';
import { TeracronInterceptor } from './teracron.interceptor';

/** Metadata on the methods the interceptor traces besides HTTP routes: @MessagePattern/@EventPattern, @SubscribeMessage, @Query/@Mutation/@Subscription/@ResolveField. */
const INTERCEPTED_METHOD_METADATA = ['microservices:pattern', 'websockets:message_mapping', 'graphql:resolver_type'];

interface WrappedKind {
  kind: string;
  workflow: string;
  prototypes: Set<object>;
}

@Injectable()
export class TeracronExplorer implements OnModuleInit {
  private readonly schedule: WrappedKind;
  private readonly events: WrappedKind;
  private readonly messages: WrappedKind;
  /** Classes whose intercepted methods carry the bound interceptor (empty with `httpInterceptor: true`). */
  private readonly boundClasses = new Set<Function>();
  private releaseBound: (() => void) | undefined;
  private releaseRouteErrors: (() => void) | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(TERACRON_BACKGROUND_WORK) private readonly options: ResolvedBackgroundWork,
    @Inject(TERACRON_NEST_LAYER) private readonly layer: NestLayerOptions,
    @Inject(TERACRON_HTTP_SPANS) httpSpans: HttpRequestSpans,
    private readonly interceptor: TeracronInterceptor,
    @Optional() adapterHost?: HttpAdapterHost,
  ) {
    this.schedule = { kind: SCHEDULE_KIND, workflow: options.schedule.workflow, prototypes: new Set() };
    this.events = { kind: EVENT_LISTENER_KIND, workflow: options.events.workflow, prototypes: new Set() };
    this.messages = { kind: MESSAGE_HANDLER_KIND, workflow: RPC_WORKFLOW, prototypes: new Set() };
    this.wrap({ withInstances: false });
    const adapter: unknown = adapterHost?.httpAdapter;
    if (!layer.httpInterceptor && adapter !== null && typeof adapter === 'object') traceRouteRegistrations(adapter, httpSpans);
  }

  onModuleInit(): void {
    this.wrap({ withInstances: true });
  }

  /** From now until `sink` stops, calls of this app's wrapped methods are recorded by it. */
  claimFor(sink: TraceSink): void {
    for (const wrapped of [this.schedule, this.events, this.messages]) {
      if (wrapped.prototypes.size > 0) claimClasses(sink, wrapped.kind, wrapped.prototypes, wrapped.workflow);
    }
    if (this.boundClasses.size > 0 && this.releaseBound === undefined) this.releaseBound = routeBoundCalls(this.interceptor, sink, this.boundClasses);
    this.releaseRouteErrors ??= seeHttpRouteErrors();
  }

  /** At shutdown: this app's bound handlers are no longer its interceptor's to trace, nor its routes' errors its to see. */
  release(): void {
    this.releaseBound?.();
    this.releaseBound = undefined;
    this.releaseRouteErrors?.();
    this.releaseRouteErrors = undefined;
  }

  private wrap(pass: { withInstances: boolean }): void {
    if (this.options.schedule.enabled) this.wrapMethods(pass, this.schedule, isScheduledMethod, wrapScheduledMethod);
    if (this.options.events.enabled) this.wrapMethods(pass, this.events, isEventListenerMethod, wrapEventListenerMethod);
    // Only controllers' handlers are registered by microservices; wrapping by class covers them.
    if (!pass.withInstances) this.wrapMethods(pass, this.messages, isMessageHandlerMethod, wrapMessageHandler);
    if (!this.layer.httpInterceptor) {
      for (const found of discoverMethods(this.discovery, this.scanner, pass, isInterceptedMethod)) {
        bindInterceptorToMethod(found.prototype, found.key);
        this.boundClasses.add(found.classRef);
      }
    }
    for (const found of discoverClasses(this.discovery, pass)) {
      if (isBullMQProcessorClass(found.classRef)) wrapProcessorErrors(found.prototype);
    }
  }

  private wrapMethods(pass: { withInstances: boolean }, into: WrappedKind, matches: (method: Function) => boolean, wrap: (found: DecoratedMethod) => boolean): void {
    for (const found of discoverMethods(this.discovery, this.scanner, pass, matches)) {
      wrap(found);
      into.prototypes.add(found.prototype);
    }
  }
}

function isInterceptedMethod(method: Function): boolean {
  return INTERCEPTED_METHOD_METADATA.some((key) => Reflect.getMetadata(key, method) !== undefined);
}

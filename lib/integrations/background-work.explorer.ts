/**
 * Finds the app's background work (scheduled methods, event listeners, BullMQ processors) and wraps
 * it for tracing. The wrapping happens in the constructor, before any onModuleInit: the schedule and
 * BullMQ explorers take `instance[method]` in theirs, and module hook order depends on import order.
 * Nothing of @nestjs/schedule, @nestjs/event-emitter or @nestjs/bullmq is imported: only the metadata
 * their decorators leave is read, so an app without them pays one scan at start-up.
 */
import { Inject, Injectable, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { TraceSink } from '../core/trace-sink';
import type { ResolvedBackgroundWork } from './background-work-options';
import { TERACRON_BACKGROUND_WORK, TERACRON_BACKGROUND_SINK } from './background-work.tokens';
import { isBullMQProcessorClass, wrapProcessorErrors } from './bullmq/processor-errors';
import { ClassClaims } from './discovery/class-claims';
import { discoverClasses, discoverMethods } from './discovery/decorated-methods';
import { isEventListenerMethod, wrapEventListenerMethod } from './events/event-listener-methods';
import { isScheduledMethod, wrapScheduledMethod } from './schedule/scheduled-methods';
import type { TracedCallSettings } from './traced-call';

/** Shared by every app in the process: the wrappers live on shared prototypes. */
const scheduleClaims = new ClassClaims<TracedCallSettings>();
const eventClaims = new ClassClaims<TracedCallSettings>();

@Injectable()
export class BackgroundWorkExplorer implements OnModuleInit, OnApplicationShutdown {
  private readonly releases: Array<() => void> = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(TERACRON_BACKGROUND_WORK) private readonly options: ResolvedBackgroundWork,
    @Optional() @Inject(TERACRON_BACKGROUND_SINK) private readonly sink: TraceSink | undefined,
  ) {
    this.install({ withInstances: false });
  }

  /** Second pass for factory providers, whose class is known only once they exist. */
  onModuleInit(): void {
    this.install({ withInstances: true });
  }

  onApplicationShutdown(): void {
    for (const release of this.releases.splice(0)) release();
  }

  private install(options: { withInstances: boolean }): void {
    const { schedule, events } = this.options;
    if (schedule.enabled) {
      const methods = discoverMethods(this.discovery, this.scanner, options, isScheduledMethod);
      for (const method of methods) wrapScheduledMethod(method, scheduleClaims);
      this.claim(scheduleClaims, methods, { workflow: schedule.workflow, sink: this.sink });
    }
    if (events.enabled) {
      const methods = discoverMethods(this.discovery, this.scanner, options, isEventListenerMethod);
      for (const method of methods) wrapEventListenerMethod(method, eventClaims);
      this.claim(eventClaims, methods, { workflow: events.workflow, sink: this.sink });
    }
    for (const found of discoverClasses(this.discovery, options)) {
      if (isBullMQProcessorClass(found.classRef)) wrapProcessorErrors(found.prototype);
    }
  }

  private claim(claims: ClassClaims<TracedCallSettings>, methods: Array<{ prototype: object }>, settings: TracedCallSettings): void {
    if (methods.length === 0) return;
    this.releases.push(claims.claim(new Set(methods.map((m) => m.prototype)), settings));
  }
}

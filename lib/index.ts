/**
 * @teracron/nestjs: the public API, each export documented in the README's API reference. The
 * Nest module, its scrubber token and the decorators for apps; the framework-free client, tracer
 * and propagation helpers for everything else (scripts, workers). Wire-level helpers live under
 * `@teracron/nestjs/protocol`.
 */
export { TeracronModule } from './nest/teracron.module';
export type { TeracronOptionsFactory } from './nest/teracron.module-definition';
export type { TeracronModuleOptions } from './nest/teracron-module-options';
export type { BackgroundWorkOptions, ScheduleTracingOptions, EventTracingOptions } from './nest/background-work-options';
export type { ExcludedRoute } from './http/route-exclusion';
export { TERACRON_MODULE_OPTIONS, TeracronScrubber, InjectTeracronScrubber } from './nest/teracron.constants';

export { Trace, type TraceOptions } from './tracing/trace.decorator';
export { Capture } from './tracing/capture.decorator';
export { TeracronTracer, startSpan, runInSpan, span, currentSpan, emitEvent, type StartSpanOptions, type EmitEventOptions } from './tracing/tracer';
export type { SpanHandle } from './tracing/span-handle';
export { TRACE_HEADER, getTraceHeader, setTraceHeader, runWithTraceHeader } from './tracing/propagation';
export { enableOutboundPropagation, type OutboundPropagationOptions } from './http/outbound-propagation';

export { TeracronClient, type TeracronStats } from './core/client';
export type { KindStats } from './core/export/export-stats';
export type { TraceSamplingStats } from './core/sampling/trace-sampler';
export { startTeracron, stopTeracron, type StartTeracronOptions } from './standalone/start-teracron';
export type { TeracronOptions, TracingScrubber, TracingScrubberField } from './core/config/options';
export type { TeracronLogger } from './core/logger';
export { TeracronConfigError } from './core/config/config-error';

export { TeracronBullMQTelemetry, type TeracronBullMQTelemetryOptions } from './bullmq/teracron-bullmq-telemetry';

// Log correlation and GraphQL.
export { currentLogCorrelation, teracronPinoMixin, teracronWinstonFormat, type LogCorrelation, type WinstonLikeFormat } from './logging/log-correlation';
export type { GraphqlTracingOptions } from './nest/graphql/graphql-tracing-options';

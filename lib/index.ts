/**
 * @teracron/nestjs: the public API. The Nest module and decorators for apps; the framework-free
 * client, tracer and propagation helpers for everything else (scripts, workers, the agent).
 */
export { TeracronModule, MISSING_API_KEY_WARNING } from './nest/teracron.module';
export { TERACRON_MODULE_OPTIONS, type TeracronOptionsFactory } from './nest/teracron.module-definition';
export type { TeracronModuleOptions, ExcludedRoute } from './nest/teracron-module-options';
export { TERACRON_SCRUBBER } from './nest/teracron.constants';
export { TeracronInterceptor } from './nest/teracron.interceptor';
export { enableOutboundPropagation, type OutboundPropagationOptions } from './nest/outbound-propagation';

export { Trace, type TraceOptions } from './tracing/trace.decorator';
export { Capture } from './tracing/capture.decorator';
export { TeracronTracer, startSpan, runInSpan, span, currentSpan, emitEvent, type StartSpanOptions, type EmitEventOptions } from './tracing/tracer';
export type { SpanHandle } from './tracing/span';
export { TRACE_HEADER, getTraceHeader, setTraceHeader, runWithTraceHeader, parseTraceHeader } from './tracing/propagation';
export { shouldSample } from './tracing/sampling';

export { TeracronClient, type TeracronStats } from './core/client';
export type { TeracronOptions, TracingScrubber, TracingScrubberField } from './core/config/options';
export { TeracronConfigError } from './core/config/config-error';
export { decodeApiKey, encodeApiKey } from './core/config/api-key';
export type { TeracronLogger } from './core/logger';
export type { SpanRecord, WorkflowEventRecord, MetricsSnapshot, FlatRecord } from './core/types';
export { ProcessMetricsCollector } from './core/metrics/process-metrics-collector';
export { RemoteProcessCollector } from './core/metrics/remote-process-collector';
export { TargetProcessGoneError, type MetricsCollector } from './core/metrics/metrics-collector';

export { TeracronBullMQTelemetry } from './integrations/bullmq/teracron-bullmq-telemetry';
export type { BackgroundWorkOptions } from './integrations/background-work-options';

/**
 * @teracron/nestjs/protocol: the wire contract of PROTOCOL.md as functions, for tools and other
 * runtimes that speak to a Teracron ingest (or act as one): API keys, the encrypted envelope, the
 * metrics batch, the trace header and the sampling decision every SDK shares.
 */
export { decodeApiKey, encodeApiKey, type DecodedApiKey } from './core/config/api-key';
export { encryptEnvelope, decryptEnvelope, EnvelopeError } from './core/crypto/envelope';
export { encodeMetricsBatch, decodeMetricsBatch, type MetricsBatchVersions, type DecodedMetricsBatch, type DecodedMetricsEntry } from './core/encoding/metrics-protobuf';
export { shouldSample } from './tracing/sampling';
export { parseTraceHeader, type ParsedTraceHeader } from './tracing/trace-header';
export type { SpanRecord, WorkflowEventRecord, MetricsSnapshot, FlatRecord, ProjectMode, SpanStatus } from './core/types';

/**
 * The client's three ways out (metrics, spans, events): one export lane each, sized from the
 * resolved configuration and paced to the ingest's contract. The one place their capacities,
 * flush thresholds and request budgets are set.
 */
import type { KeyObject } from 'node:crypto';
import type { ResolvedConfig } from './config/resolve-config';
import { eventBatchEncoder, metricsBatchEncoder, traceBatchEncoder } from './encoding/batch-encoders';
import type { BackoffSettings } from './export/backoff';
import type { ExportHealth } from './export/export-health';
import { ExportLane } from './export/export-lane';
import { INGEST_CONTRACT } from './ingest-contract';
import type { TraceBudget } from './sampling/trace-budget';
import { SDK_VERSION } from './sdk-version';
import type { IngestTransport } from './transport/ingest-transport';
import type { MetricsSnapshot, SpanRecord, WorkflowEventRecord } from './types';

const EVENTS_FLUSH_AT = 50;
const EVENT_QUEUE_CAPACITY = 500;

export interface Lanes {
  metrics: ExportLane<MetricsSnapshot>;
  spans: ExportLane<SpanRecord>;
  events: ExportLane<WorkflowEventRecord>;
}

export interface LaneWiring {
  transport: IngestTransport;
  publicKey: KeyObject;
  slug: string;
  health: ExportHealth;
  pacing: boolean;
  backoff: BackoffSettings;
  /** The traces budget: the spans lane is paced to its share and tells it of 429s (adaptive sampling). */
  budget: TraceBudget;
  /** Before queued spans are encoded (the sampler makes each root's sample_rate final). */
  beforeEncodingSpans: () => void;
}

/** The span queue's bound: twice a batch, between 2 000 and 20 000. */
export function spanQueueCapacity(config: ResolvedConfig): number {
  return Math.min(20_000, Math.max(2_000, config.traceBatchSize * 2));
}

export function createLanes(config: ResolvedConfig, wiring: LaneWiring): Lanes {
  const { transport, publicKey, budget } = wiring;
  const common = { pacing: wiring.pacing, backoff: wiring.backoff, logger: config.logger, health: wiring.health };
  const adaptive = config.traceAdaptiveSampling;
  return {
    metrics: new ExportLane(
      { ...common, kind: 'metrics', capacity: Math.min(20_000, Math.max(100, config.maxBufferSize * 4)), flushAt: config.maxBufferSize, requestsPerMinute: INGEST_CONTRACT.metrics.perMinute, timeOf: (s) => s.timestamp },
      metricsBatchEncoder({ sdkVersion: SDK_VERSION, runtimeVersion: process.versions.node }),
      transport,
      publicKey,
    ),
    spans: new ExportLane(
      {
        ...common,
        kind: 'traces',
        capacity: spanQueueCapacity(config),
        flushAt: config.traceBatchSize,
        requestsPerMinute: adaptive ? budget.requestsPerMinute : INGEST_CONTRACT.traces.perMinute,
        slidingWindow: adaptive,
        onRateLimited: (usedShare) => budget.rateLimited(usedShare),
        beforeEncode: wiring.beforeEncodingSpans,
        timeOf: (s) => s.started_at,
      },
      traceBatchEncoder(wiring.slug),
      transport,
      publicKey,
    ),
    events: new ExportLane(
      { ...common, kind: 'events', capacity: EVENT_QUEUE_CAPACITY, flushAt: EVENTS_FLUSH_AT, requestsPerMinute: INGEST_CONTRACT.events.perMinute, timeOf: (e) => e.timestamp },
      eventBatchEncoder(wiring.slug),
      transport,
      publicKey,
    ),
  };
}

/**
 * An in-memory TraceSink for structural tests of the tracing engine (trees, context flow,
 * Observables): it stands where a client would, registered as the running client. Tests of what
 * reaches the wire use a real TeracronClient and a real ingest instead.
 */
import { registerRunningClient, unregisterRunningClient } from '../../lib/core/client-registry';
import type { ScrubberFailure, TraceSink, TracingSettings } from '../../lib/core/trace-sink';
import type { TracingScrubberField } from '../../lib/core/config/options';
import type { SpanRecord, WorkflowEventRecord } from '../../lib/core/types';

export class RecordingSink implements TraceSink {
  running = true;
  readonly spans: SpanRecord[] = [];
  readonly events: WorkflowEventRecord[] = [];
  readonly scrubberFailures: Array<{ field: TracingScrubberField; failure: ScrubberFailure }> = [];
  readonly tracing: TracingSettings;

  constructor(tracing: Partial<TracingSettings> = {}) {
    this.tracing = { enabled: true, sampleRate: 1, emitEvents: false, scrubber: undefined, ...tracing };
  }

  dropSpanIfFull(): boolean {
    return false;
  }

  enqueueSpan(span: SpanRecord): void {
    if (this.running) this.spans.push(span);
  }

  enqueueEvent(event: WorkflowEventRecord): void {
    if (this.running) this.events.push(event);
  }

  countScrubberFailure(field: TracingScrubberField, failure: ScrubberFailure): void {
    this.scrubberFailures.push({ field, failure });
  }

  /** Registers as the running client for the duration of fn. */
  async activeDuring<T>(fn: () => T | Promise<T>): Promise<T> {
    registerRunningClient(this);
    try {
      return await fn();
    } finally {
      unregisterRunningClient(this);
    }
  }

  byOperation(operation: string): SpanRecord[] {
    return this.spans.filter((s) => s.operation === operation);
  }
}

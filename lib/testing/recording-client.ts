/**
 * The client of the testing module: a TeracronClient whose export is a TeracronRecorder. It
 * resolves its options like the real one (parsing, clamping, sampling rate, scrubber) and the
 * tracer builds spans exactly as in production; only what happens to a finished span changes:
 * it is recorded in memory instead of queued for the ingest. No key, no env var, no network,
 * no metrics and no timer, so stopping returns at once.
 */
import { registerRunningClient } from '../core/client-registry';
import { TeracronClient, withClientInternals } from '../core/client';
import type { TeracronOptions } from '../core/config/options';
import type { SpanRecord, WorkflowEventRecord } from '../core/types';
import type { TeracronRecorder } from './span-recorder';

/** Options that would reach an ingest: ignored, so a test never sends anything anywhere. */
const EXPORT_ONLY_KEYS = ['apiKey', 'projectSlug', 'publicKey', 'domain', 'allowCustomDomain', 'targetPid'] as const;

export class RecordingTeracronClient extends TeracronClient {
  private recording = false;

  constructor(
    options: TeracronOptions,
    readonly recorder: TeracronRecorder,
  ) {
    // No environment: a key (or a sample rate) in the test's .env must not change what a test sees.
    super(withClientInternals(withoutExportOptions(options), { env: {}, collectMetrics: false }));
    this.tracing.enabled = this.config.tracingEnabled;
  }

  override get enabled(): boolean {
    return true;
  }

  override get running(): boolean {
    return this.recording;
  }

  override start(): void {
    if (this.recording) return;
    this.recording = true;
    registerRunningClient(this);
  }

  override dropSpanIfFull(): boolean {
    return false;
  }

  override enqueueSpan(span: SpanRecord): void {
    if (this.recording) this.recorder.recordSpan(span);
  }

  override enqueueEvent(event: WorkflowEventRecord): void {
    if (this.recording) this.recorder.recordEvent(event);
  }

  override recordMetrics(): void {}

  override async flush(): Promise<void> {}

  /** Nothing to flush: stops recording (and leaves the running clients) at once. */
  override stop(deadlineMs?: number): Promise<void> {
    this.recording = false;
    return super.stop(deadlineMs);
  }
}

function withoutExportOptions(options: TeracronOptions): TeracronOptions {
  const kept: Record<string, unknown> = { ...options };
  for (const key of EXPORT_ONLY_KEYS) delete kept[key];
  return kept as TeracronOptions;
}

/**
 * The local root of a trace under the client's sampler (the first span of a trace in this
 * process). A kept root carries `metadata.sample_rate`, the rate its trace was kept at, so that
 * Σ 1 / sample_rate over received roots estimates the traces started; it is written after the
 * scrubber, so no scrubber removes it. A watched root belongs to a trace that was not kept: its
 * children are not built (UnsampledSpan), and it is sent alone only when it fails and the
 * failure share has room; otherwise it is discarded unbuilt.
 *
 * A failed root taken by the failure share says `sample_rate: 1` whether its trace was kept or
 * not: every failure within the share arrives, so each counts once.
 */
import type { SpanRecord, SpanStatus } from '../core/types';
import type { ErrorFields } from './sanitize';
import { RecordingSpan } from './span';

/** Marks a root sent only because it failed: its trace's other spans were not recorded. */
export const KEPT_ON_FAILURE_KEY = 'teracron.kept_on_failure';

export class KeptRootSpan extends RecordingSpan {
  /** The rate the trace was kept at; 1 once the failure share took it. */
  sampleRate = 0;

  override fail(error: unknown): void {
    if (!this.ended) this.takeFailure();
    super.fail(error);
  }

  override endWith(status: SpanStatus, error?: unknown): void {
    if (!this.ended && status === 'failed') this.takeFailure();
    if (arguments.length > 1) super.endWith(status, error);
    else super.endWith(status);
  }

  protected override record(status: SpanStatus, durationMs: number, errorFields: ErrorFields | undefined): SpanRecord {
    const record = super.record(status, durationMs, errorFields);
    record.metadata = { ...record.metadata, sample_rate: this.sampleRate };
    return record;
  }

  private takeFailure(): void {
    if (this.sink.sampler?.takeFailure(true) === true) this.sampleRate = 1;
  }
}

export class WatchedRootSpan extends RecordingSpan {
  protected override get announced(): boolean {
    return false;
  }

  override end(): void {
    this.discard();
  }

  override fail(error: unknown): void {
    if (this.keptOnFailure()) super.fail(error);
  }

  override endWith(status: SpanStatus, error?: unknown): void {
    if (status !== 'failed' || !this.keptOnFailure()) return this.discard();
    if (arguments.length > 1) super.endWith(status, error);
    else super.endWith(status);
  }

  protected override record(status: SpanStatus, durationMs: number, errorFields: ErrorFields | undefined): SpanRecord {
    const record = super.record(status, durationMs, errorFields);
    record.metadata = { ...record.metadata, sample_rate: 1, [KEPT_ON_FAILURE_KEY]: true };
    return record;
  }

  private keptOnFailure(): boolean {
    if (this.ended) return false;
    if (this.sink.sampler?.takeFailure(false) === true) return true;
    this.discard();
    return false;
  }
}

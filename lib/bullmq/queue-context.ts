/**
 * The context value BullMQ passes between our tracer and context manager. It never copies our
 * tracing state: `ambient` means "whatever the caller's async context holds now", which BullMQ
 * reads synchronously inside the call that produced it.
 */
import type { SpanHandle } from '../tracing/span';

/** What the context manager, BullMQ's bookkeeping and the Nest processor wrapper need of a job attempt (JobAttempt). */
export interface JobAttempt {
  readonly span: SpanHandle;
  /** BullMQ's bookkeeping after the processor (complete / retry / fail) has begun: the attempt is over. */
  readonly settled: boolean;
  noteOutcome(outcome: JobOutcome): void;
  /** The processor threw or rejected with `error` (the exact value). */
  noteError(error: unknown): void;
  /** The header a retry of this job should carry. */
  retryHeader(): string;
}

export type JobOutcome = 'completed' | 'retrying' | 'failed';

export type QueueContextKind =
  /** The caller's own context (a request, a @Trace span, nothing). */
  | 'ambient'
  /** A trace header read from a job's telemetry metadata, to be continued by its attempt. */
  | 'remote'
  /** Inside a job attempt's span. */
  | 'attempt'
  /** BullMQ is scheduling a retry of this attempt and asks what to store with the job. */
  | 'retry';

export class QueueContext {
  static readonly ambient = new QueueContext('ambient', undefined, undefined);

  private constructor(
    readonly kind: QueueContextKind,
    readonly header: string | undefined,
    readonly attemptSpan: JobAttempt | undefined,
  ) {}

  static remote(header: string): QueueContext {
    return new QueueContext('remote', header, undefined);
  }

  static attempt(span: JobAttempt): QueueContext {
    return new QueueContext('attempt', undefined, span);
  }

  static retry(span: JobAttempt): QueueContext {
    return new QueueContext('retry', undefined, span);
  }
}

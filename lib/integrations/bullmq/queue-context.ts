/**
 * The context value BullMQ passes between our tracer and context manager. It never copies our
 * tracing state: `ambient` means "whatever the caller's async context holds now", which BullMQ
 * reads synchronously inside the call that produced it.
 */
import type { JobAttemptSpan } from './job-attempt-span';

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
    readonly attemptSpan: JobAttemptSpan | undefined,
  ) {}

  static remote(header: string): QueueContext {
    return new QueueContext('remote', header, undefined);
  }

  static attempt(span: JobAttemptSpan): QueueContext {
    return new QueueContext('attempt', undefined, span);
  }

  static retry(span: JobAttemptSpan): QueueContext {
    return new QueueContext('retry', undefined, span);
  }
}

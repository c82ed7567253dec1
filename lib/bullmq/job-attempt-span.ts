/**
 * One attempt of one job, as BullMQ's CONSUMER span: our span continues the trace header the job
 * was enqueued with (or starts a root), is named `queue.job`, and ends failed with the processor's
 * error when the attempt fails. Attribute values BullMQ passes (job results, options) are never
 * recorded: only the job id, the attempt number and the outcome.
 */
import type { SpanHandle } from '../tracing/span';
import { startSpan } from '../tracing/tracer';
import { BullAttribute, type BullAttributes, type BullAttributeValue, type BullException, type BullSpan } from './bullmq-telemetry-types';
import { QueueContext, type JobAttempt, type JobOutcome } from './queue-context';

export class JobAttemptSpan implements BullSpan<QueueContext>, JobAttempt {
  readonly span: SpanHandle;
  private queueName: string;
  private outcome: JobOutcome | undefined;
  /** What the processor threw, when our Nest processor wrapper saw it. */
  private thrown: { error: unknown } | undefined;
  /** Set once BullMQ reports the attempt failed; DelayedError and the like never get here. */
  private failure: { error: unknown } | undefined;
  private ended = false;

  /** @param parentHeader the trace header stored with the job, or undefined for a root */
  constructor(
    workflow: string,
    queueName: string,
    readonly parentHeader: string | undefined,
  ) {
    this.queueName = queueName;
    this.span = startSpan(workflow, parentHeader ? { operation: queueName, traceHeader: parentHeader } : { operation: queueName, root: true });
  }

  /** BullMQ's bookkeeping after the processor (complete / retry / fail) has begun: the attempt is over. */
  get settled(): boolean {
    return this.outcome !== undefined;
  }

  noteOutcome(outcome: JobOutcome): void {
    this.outcome = outcome;
    this.span.setMetadata({ job_outcome: outcome });
  }

  /** The processor threw or rejected with `error` (the exact value). */
  noteError(error: unknown): void {
    this.thrown = { error };
  }

  /**
   * The header a retry of this job should carry: the same parent as this attempt, so attempts
   * show as siblings under the code that enqueued the job; for a root job, this attempt.
   */
  retryHeader(): string {
    return this.parentHeader ?? this.span.traceHeader() ?? '';
  }

  setSpanOnContext(_ctx: QueueContext): QueueContext {
    return QueueContext.attempt(this);
  }

  setAttribute(key: string, value: BullAttributeValue): void {
    this.setAttributes({ [key]: value });
  }

  setAttributes(attributes: BullAttributes): void {
    const queueName = attributes[BullAttribute.QueueName];
    if (typeof queueName === 'string' && queueName !== '') this.queueName = queueName;
    const jobName = attributes[BullAttribute.JobName];
    if (typeof jobName === 'string' && jobName !== '') this.span.setOperation(`${this.queueName}.${jobName}`);
    const jobId = attributes[BullAttribute.JobId];
    if (typeof jobId === 'string' || typeof jobId === 'number') this.span.setMetadata({ job_id: String(jobId) });
    const attemptsMade = attributes[BullAttribute.JobAttemptsMade];
    if (typeof attemptsMade === 'number' && Number.isFinite(attemptsMade)) this.span.setMetadata({ job_attempt: attemptsMade });
  }

  addEvent(name: string, attributes?: BullAttributes): void {
    if (name !== 'job failed' || this.failure) return;
    const reason = attributes?.[BullAttribute.JobFailedReason];
    this.failure = this.thrown ?? { error: failureFromMessage(typeof reason === 'string' ? reason : '') };
  }

  /** BullMQ's own step failed around the job (e.g. Redis went away while moving it). */
  recordException(exception: BullException): void {
    if (this.failure) return;
    this.failure = { error: typeof exception === 'string' ? failureFromMessage(exception) : exception };
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.failure) this.span.fail(this.failure.error);
    else this.span.end();
  }
}

/**
 * BullMQ tells telemetry only the failed reason (the message), not the error; the class is known
 * when our Nest processor wrapper saw the throw. Otherwise it is reported as a plain Error.
 */
function failureFromMessage(message: string): Error {
  return new Error(message);
}

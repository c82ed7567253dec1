/**
 * What BullMQ gets for every span other than a job attempt (add, getNextJob, extendLocks, complete…):
 * nothing is recorded, so a polling worker never floods the ingest. A retry of an attempt carries
 * that attempt, so the context manager can tell BullMQ which trace the next attempt continues.
 */
import type { BullAttributes, BullAttributeValue, BullException, BullSpan } from './bullmq-telemetry-types';
import { QueueContext, type JobAttempt } from './queue-context';

export class QuietSpan implements BullSpan<QueueContext> {
  static readonly instance = new QuietSpan(undefined);

  constructor(private readonly retryOf: JobAttempt | undefined) {}

  setSpanOnContext(ctx: QueueContext): QueueContext {
    return this.retryOf ? QueueContext.retry(this.retryOf) : ctx;
  }

  setAttribute(_key: string, _value: BullAttributeValue): void {}

  setAttributes(_attributes: BullAttributes): void {}

  addEvent(_name: string, _attributes?: BullAttributes): void {}

  recordException(_exception: BullException): void {}

  end(): void {}
}

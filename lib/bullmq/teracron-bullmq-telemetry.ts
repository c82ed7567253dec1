/**
 * BullMQ v5's `Telemetry` backed by our tracer, used the way bullmq-otel is:
 * `new Queue(name, { telemetry })`, `new Worker(name, fn, { telemetry })`, or
 * `BullModule.forRoot({ telemetry })`. Nothing here loads bullmq: BullMQ calls us.
 *
 * - `Queue.add` inside a traced context stores `TRACE_ID:SPAN_ID` as the job's telemetry metadata
 *   (`job.opts.telemetry.metadata`), never in `job.data`; outside any trace it stores nothing.
 * - Each processing attempt is a span continuing that header (a root without one), operation
 *   `queue.job`; a failed attempt is failed with its error, and retries continue the same parent.
 * - BullMQ's other spans (add, polling, locks, bookkeeping) record nothing.
 */
import { resolveWorkflowOption } from '../core/config/workflow-option';
import { BullSpanKind, type BullContextManager, type BullSpan, type BullTracer } from './bullmq-telemetry-types';
import { JobAttemptSpan } from './job-attempt-span';
import { currentJobAttempt } from './job-attempt-storage';
import { QueueContextManager } from './queue-context-manager';
import type { QueueContext } from './queue-context';
import { QuietSpan } from './quiet-span';

/** Workflow of job spans when none is given. */
export const DEFAULT_QUEUE_WORKFLOW = 'queue';

export interface TeracronBullMQTelemetryOptions {
  /** Workflow of job spans. Default `'queue'`. */
  workflow?: string;
}

export class TeracronBullMQTelemetry {
  readonly tracer: BullTracer<QueueContext>;
  readonly contextManager: BullContextManager<QueueContext>;

  constructor(options: TeracronBullMQTelemetryOptions = {}) {
    const workflow = resolveWorkflowOption('workflow of TeracronBullMQTelemetry', options.workflow, DEFAULT_QUEUE_WORKFLOW);
    this.tracer = new QueueTracer(workflow);
    this.contextManager = new QueueContextManager();
  }
}

class QueueTracer implements BullTracer<QueueContext> {
  constructor(private readonly workflow: string) {}

  /** BullMQ names spans `${operation} ${destination}`; a worker's destination is its queue. */
  startSpan(name: string, options?: { kind: number }, context?: QueueContext): BullSpan<QueueContext> {
    try {
      const space = name.indexOf(' ');
      const operation = space < 0 ? name : name.slice(0, space);
      if (options?.kind === BullSpanKind.CONSUMER && operation === 'process') {
        const queueName = space < 0 ? 'queue' : name.slice(space + 1);
        return new JobAttemptSpan(this.workflow, queueName, context?.kind === 'remote' ? context.header : undefined);
      }
      return bookkeepingSpan(operation);
    } catch {
      // Telemetry must never break a queue: an unexpected failure here only loses this span.
      return QuietSpan.instance;
    }
  }
}

/** BullMQ's moveToCompleted / moveToFailed run inside the attempt and tell us how it ended. */
function bookkeepingSpan(operation: string): BullSpan<QueueContext> {
  const attempt = currentJobAttempt();
  if (!attempt || attempt.settled) return QuietSpan.instance;
  switch (operation) {
    case 'complete':
      attempt.noteOutcome('completed');
      return QuietSpan.instance;
    case 'retry':
    case 'delay':
      attempt.noteOutcome('retrying');
      return new QuietSpan(attempt);
    case 'fail':
      attempt.noteOutcome('failed');
      return QuietSpan.instance;
    default:
      return QuietSpan.instance;
  }
}

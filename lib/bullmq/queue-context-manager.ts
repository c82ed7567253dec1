/**
 * BullMQ's ContextManager over our tracing context. The metadata BullMQ stores with a job is our
 * trace header (PROTOCOL.md §7), so any Teracron SDK can continue it; anything else stored there
 * (another telemetry's format, a corrupted value) is ignored and the job starts a root.
 */
import { getTraceHeader, parseTraceHeader } from '../tracing/propagation';
import { runInSpan } from '../tracing/tracer';
import type { BullContextManager } from './bullmq-telemetry-types';
import { currentJobAttempt, runInJobAttempt } from './job-attempt-storage';
import { QueueContext } from './queue-context';

export class QueueContextManager implements BullContextManager<QueueContext> {
  with<A extends (...args: any[]) => any>(context: QueueContext, fn: A): ReturnType<A> {
    const attempt = context.kind === 'attempt' ? context.attemptSpan : undefined;
    if (!attempt) return fn();
    return runInJobAttempt(attempt, () => runInSpan(attempt.span, fn));
  }

  active(): QueueContext {
    return QueueContext.ambient;
  }

  getMetadata(context: QueueContext): string {
    switch (context.kind) {
      case 'retry':
        return context.attemptSpan!.retryHeader();
      case 'attempt':
        return context.attemptSpan!.span.traceHeader() ?? '';
      case 'remote':
        return context.header ?? '';
      default: {
        // Jobs BullMQ adds after an attempt is over (the next run of a job scheduler) are not
        // caused by that attempt; chaining them would grow one endless trace.
        if (currentJobAttempt()?.settled) return '';
        return getTraceHeader() ?? '';
      }
    }
  }

  fromMetadata(activeContext: QueueContext, metadata: string): QueueContext {
    return typeof metadata === 'string' && parseTraceHeader(metadata) ? QueueContext.remote(metadata) : activeContext;
  }
}

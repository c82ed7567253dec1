/**
 * The job attempt a BullMQ worker is processing in this async context. BullMQ's own bookkeeping
 * (complete / retry / fail) and our Nest processor wrapper find the attempt here; our tracing
 * context alone would not do, since user code may open spans of its own inside the job.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { JobAttemptSpan } from './job-attempt-span';

const attempts = new AsyncLocalStorage<JobAttemptSpan>();

export function currentJobAttempt(): JobAttemptSpan | undefined {
  return attempts.getStore();
}

export function runInJobAttempt<T>(attempt: JobAttemptSpan, fn: () => T): T {
  return attempts.run(attempt, fn);
}

/**
 * The job attempt a BullMQ worker is processing in this async context. BullMQ's own bookkeeping
 * (complete / retry / fail) and our Nest processor wrapper find the attempt here; our tracing
 * context alone would not do, since user code may open spans of its own inside the job.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { JobAttempt } from './queue-context';

const attempts = new AsyncLocalStorage<JobAttempt>();

export function currentJobAttempt(): JobAttempt | undefined {
  return attempts.getStore();
}

export function runInJobAttempt<T>(attempt: JobAttempt, fn: () => T): T {
  return attempts.run(attempt, fn);
}

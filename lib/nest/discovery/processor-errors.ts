/**
 * BullMQ tells telemetry only a failed job's message. For `@Processor` classes of @nestjs/bullmq we
 * wrap `process` to hand the thrown value to the running attempt, so the span gets the real error
 * class. The value is re-thrown untouched, and nothing changes outside a traced attempt.
 */
import { currentJobAttempt } from '../../bullmq/job-attempt-storage';
import { wrapPrototypeMethod } from './method-wrapping';

/** `PROCESSOR_METADATA` of @nestjs/bullmq (bull.constants), set on the class by `@Processor()`. */
export const BULLMQ_PROCESSOR_METADATA = 'bullmq:processor_metadata';

export function isBullMQProcessorClass(classRef: Function): boolean {
  return Reflect.getMetadata(BULLMQ_PROCESSOR_METADATA, classRef) !== undefined;
}

/** Wraps `prototype.process` once; later apps sharing the class reuse the wrapper. */
export function wrapProcessorErrors(prototype: object): boolean {
  return wrapPrototypeMethod(prototype, 'process', 'bullmq-processor', (original) =>
    function processWithErrors(this: unknown, ...args: unknown[]): unknown {
      const attempt = currentJobAttempt();
      if (!attempt) return original.apply(this, args);
      let result: unknown;
      try {
        result = original.apply(this, args);
      } catch (error) {
        attempt.noteError(error);
        throw error;
      }
      if (!isThenable(result)) return result;
      return Promise.resolve(result).then(undefined, (error: unknown) => {
        attempt.noteError(error);
        throw error;
      });
    },
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

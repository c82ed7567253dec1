/**
 * `@Cron`, `@Interval` and `@Timeout` methods of @nestjs/schedule, found by the metadata those
 * decorators put on the method (schedule.constants), so @nestjs/schedule is never imported. Each run
 * is a span, operation = the job's name or Class.method: a root when the scheduler fires it (timers
 * run outside any request), a child when the app calls the method itself inside a trace.
 */
import { ownerOfCall } from '../../core/client-registry';
import { span } from '../../tracing/tracer';
import type { DecoratedMethod } from './decorated-methods';
import { wrapPrototypeMethod } from './method-wrapping';

export const SCHEDULE_KIND = 'schedule';

/** Keys of @nestjs/schedule's schedule.constants. */
const SCHEDULER_TYPE = 'SCHEDULER_TYPE';
const SCHEDULER_NAME = 'SCHEDULER_NAME';
const SCHEDULE_CRON_OPTIONS = 'SCHEDULE_CRON_OPTIONS';

/** @nestjs/schedule's SchedulerType enum. */
const SCHEDULER_KINDS: Record<number, string> = { 1: 'cron', 2: 'timeout', 3: 'interval' };

export function isScheduledMethod(method: Function): boolean {
  return SCHEDULER_KINDS[Reflect.getMetadata(SCHEDULER_TYPE, method) as number] !== undefined;
}

/**
 * Wraps one scheduled method on its prototype. Runs are traced while the registry names a running app
 * with scheduling tracing on for the instance; otherwise the method runs as written.
 */
export function wrapScheduledMethod(found: DecoratedMethod): boolean {
  const kind = SCHEDULER_KINDS[Reflect.getMetadata(SCHEDULER_TYPE, found.method) as number] ?? 'cron';
  const operation = scheduledOperation(found);
  const metadata = { schedule: kind };
  return wrapPrototypeMethod(found.prototype, found.key, SCHEDULE_KIND, (original) =>
    function scheduledRun(this: unknown, ...args: unknown[]): unknown {
      const owner = ownerOfCall(SCHEDULE_KIND, this);
      if (owner === undefined || !owner.sink.tracing.enabled) return original.apply(this, args);
      return span(owner.workflow, { operation, sink: owner.sink, metadata }, () => original.apply(this, args));
    },
  );
}

function scheduledOperation(found: DecoratedMethod): string {
  const name: unknown = Reflect.getMetadata(SCHEDULER_NAME, found.method) ?? (Reflect.getMetadata(SCHEDULE_CRON_OPTIONS, found.method) as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : `${found.className}.${found.key}`;
}

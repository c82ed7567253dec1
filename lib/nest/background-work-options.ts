/**
 * The `schedule` and `events` options of the Nest module (tracing of @nestjs/schedule runs and
 * @OnEvent listeners), with their defaults in one place. Mistakes are TeracronConfigErrors at start-up.
 */
import { TeracronConfigError } from '../core/config/config-error';
import { describeValue as describe, resolveWorkflowOption } from '../core/config/workflow-option';

export interface ScheduleTracingOptions {
  /** Trace `@Cron`, `@Interval` and `@Timeout` methods of @nestjs/schedule. Default true. */
  enabled?: boolean;
  /** Workflow of their spans. Default `'schedule'`. */
  workflow?: string;
}

export interface EventTracingOptions {
  /** Trace `@OnEvent` listeners of @nestjs/event-emitter. Default true. */
  enabled?: boolean;
  /** Workflow of their spans. Default `'events'`. */
  workflow?: string;
}

/** What TeracronModuleOptions adds for background work. `false` is short for `{ enabled: false }`. */
export interface BackgroundWorkOptions {
  schedule?: boolean | ScheduleTracingOptions;
  events?: boolean | EventTracingOptions;
}

export interface ResolvedIntegration {
  enabled: boolean;
  workflow: string;
}

export interface ResolvedBackgroundWork {
  schedule: ResolvedIntegration;
  events: ResolvedIntegration;
}

export const DEFAULT_SCHEDULE_WORKFLOW = 'schedule';
export const DEFAULT_EVENTS_WORKFLOW = 'events';

export function resolveBackgroundWork(options: BackgroundWorkOptions | undefined): ResolvedBackgroundWork {
  return {
    schedule: resolveIntegration('schedule', options?.schedule, DEFAULT_SCHEDULE_WORKFLOW),
    events: resolveIntegration('events', options?.events, DEFAULT_EVENTS_WORKFLOW),
  };
}

function resolveIntegration(name: string, option: unknown, defaultWorkflow: string): ResolvedIntegration {
  if (option === undefined) return { enabled: true, workflow: defaultWorkflow };
  if (typeof option === 'boolean') return { enabled: option, workflow: defaultWorkflow };
  if (typeof option !== 'object' || option === null) {
    throw new TeracronConfigError(`Invalid option ${name}: expected true, false or { enabled?, workflow? } (got ${describe(option)}).`);
  }
  const { enabled, workflow } = option as { enabled?: unknown; workflow?: unknown };
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    throw new TeracronConfigError(`Invalid option ${name}.enabled: expected true or false (got ${describe(enabled)}).`);
  }
  return { enabled: enabled !== false, workflow: resolveWorkflowOption(`${name}.workflow`, workflow, defaultWorkflow) };
}

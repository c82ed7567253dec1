/**
 * Options of the background-work integrations, with their defaults in one place. The Nest module
 * takes them as `schedule` and `events` beside its own options; BullMQ takes its options in
 * `new TeracronBullMQTelemetry({ workflow })`. Mistakes are TeracronConfigErrors at start-up.
 */
import { TeracronConfigError } from '../core/config/config-error';

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
export const DEFAULT_QUEUE_WORKFLOW = 'queue';

/** The server refuses a span whose workflow is empty or over 128 characters (PROTOCOL.md §6). */
const MAX_WORKFLOW_LENGTH = 128;

export function resolveBackgroundWork(options: BackgroundWorkOptions | undefined): ResolvedBackgroundWork {
  return {
    schedule: resolveIntegration('schedule', options?.schedule, DEFAULT_SCHEDULE_WORKFLOW),
    events: resolveIntegration('events', options?.events, DEFAULT_EVENTS_WORKFLOW),
  };
}

export function resolveWorkflowOption(where: string, value: unknown, defaultWorkflow: string): string {
  if (value === undefined) return defaultWorkflow;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_WORKFLOW_LENGTH) {
    throw new TeracronConfigError(
      `Invalid option ${where}: expected a non-empty string of at most ${MAX_WORKFLOW_LENGTH} characters (got ${describe(value)}). Remove it to use the default '${defaultWorkflow}'.`,
    );
  }
  return value;
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

/** The type and size of a bad value, never the value itself (it may be a secret pasted in the wrong place). */
function describe(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return value === null ? 'null' : typeof value;
}

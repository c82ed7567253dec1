/** The one check of a workflow name given as an option (the HTTP workflow, schedule, events, BullMQ). */
import { TeracronConfigError } from './config-error';

/** The server refuses a span whose workflow is empty or over 128 characters (PROTOCOL.md §6). */
export const MAX_WORKFLOW_LENGTH = 128;

/** `value`, or `defaultWorkflow` when undefined; anything else than a usable name stops the start-up. */
export function resolveWorkflowOption(where: string, value: unknown, defaultWorkflow: string): string {
  if (value === undefined) return defaultWorkflow;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_WORKFLOW_LENGTH) {
    throw new TeracronConfigError(
      `Invalid option ${where}: expected a non-empty string of at most ${MAX_WORKFLOW_LENGTH} characters (got ${describeValue(value)}). Remove it to use the default '${defaultWorkflow}'.`,
    );
  }
  return value;
}

/** The type and size of a bad value, never the value itself (it may be a secret pasted in the wrong place). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return value === null ? 'null' : typeof value;
}

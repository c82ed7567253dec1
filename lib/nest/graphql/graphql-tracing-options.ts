/**
 * The `graphql` option of TeracronModule, with its defaults in one place. GraphQL tracing is on
 * whenever the app has @nestjs/graphql's GraphQLModule; field spans are opt-in and capped per
 * operation. Mistakes are TeracronConfigErrors at start-up.
 */
import { TeracronConfigError } from '../../core/config/config-error';
import { resolveWorkflowOption } from '../../core/config/workflow-option';

export interface GraphqlTracingOptions {
  /** Trace GraphQL operations and resolvers. Default true. */
  enabled?: boolean;
  /** Workflow of resolver and field spans (the request span keeps the `workflow` option). Default `'graphql'`. */
  workflow?: string;
  /** A span per call of a field with its own resolver (`@ResolveField`). Default false. */
  fieldSpans?: boolean;
  /** Field spans recorded per operation when `fieldSpans` is on; the rest are only counted. 1–10 000, default 100. */
  maxFieldSpans?: number;
}

export interface ResolvedGraphqlTracing {
  enabled: boolean;
  workflow: string;
  fieldSpans: boolean;
  maxFieldSpans: number;
}

export const DEFAULT_GRAPHQL_WORKFLOW = 'graphql';
export const DEFAULT_MAX_FIELD_SPANS = 100;
const MAX_FIELD_SPANS_LIMIT = 10_000;

/** `true` / `false` are short for `{ enabled }`. */
export function resolveGraphqlTracing(option: boolean | GraphqlTracingOptions | undefined): ResolvedGraphqlTracing {
  const defaults = { enabled: true, workflow: DEFAULT_GRAPHQL_WORKFLOW, fieldSpans: false, maxFieldSpans: DEFAULT_MAX_FIELD_SPANS };
  if (option === undefined) return defaults;
  if (typeof option === 'boolean') return { ...defaults, enabled: option };
  if (typeof option !== 'object' || option === null) {
    throw new TeracronConfigError(`Invalid Teracron option graphql: expected true, false or { enabled?, workflow?, fieldSpans?, maxFieldSpans? } (got ${option === null ? 'null' : typeof option}).`);
  }
  const { enabled, workflow, fieldSpans, maxFieldSpans } = option as Record<string, unknown>;
  for (const [name, value] of [['enabled', enabled], ['fieldSpans', fieldSpans]] as const) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TeracronConfigError(`Invalid Teracron option graphql.${name}: expected true or false (got ${typeof value}).`);
    }
  }
  if (maxFieldSpans !== undefined && !(Number.isInteger(maxFieldSpans) && (maxFieldSpans as number) >= 1 && (maxFieldSpans as number) <= MAX_FIELD_SPANS_LIMIT)) {
    throw new TeracronConfigError(
      `Invalid Teracron option graphql.maxFieldSpans: expected an integer from 1 to ${MAX_FIELD_SPANS_LIMIT} (got ${typeof maxFieldSpans === 'number' ? maxFieldSpans : typeof maxFieldSpans}). Remove it to use the default ${DEFAULT_MAX_FIELD_SPANS}.`,
    );
  }
  return {
    enabled: enabled !== false,
    workflow: resolveWorkflowOption('graphql.workflow', workflow, DEFAULT_GRAPHQL_WORKFLOW),
    fieldSpans: fieldSpans === true,
    maxFieldSpans: (maxFieldSpans as number | undefined) ?? DEFAULT_MAX_FIELD_SPANS,
  };
}

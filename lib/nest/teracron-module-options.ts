/**
 * What `TeracronModule.forRoot()` takes: the core options, plus the Nest layer's own
 * (request workflow, excluded routes, outbound propagation hosts) and the background-work
 * integrations'. Defaults are stated here and applied in `resolveNestLayerOptions`, once, at start-up.
 */
import { TeracronConfigError } from '../core/config/config-error';
import type { TeracronOptions } from '../core/config/options';
import type { BackgroundWorkOptions } from '../integrations/background-work-options';
import { resolveGraphqlTracing, type GraphqlTracingOptions, type ResolvedGraphqlTracing } from './graphql/graphql-tracing-options';

/** A route not to trace: a template or path (`'/health'`), a RegExp tested on both, or one method of a route. */
export type ExcludedRoute = string | RegExp | { method?: string; path: string | RegExp };

export interface TeracronModuleOptions extends TeracronOptions, BackgroundWorkOptions {
  /** Workflow of the spans opened per HTTP request. Default `'http'`. */
  workflow?: string;
  /** Routes never traced (health checks, metrics scrapes), matched against the route template and the request path. Default none. */
  exclude?: ExcludedRoute[];
  /** Hosts outbound requests may carry `X-Teracron-Trace` to (a host, a `.suffix` domain or a RegExp). Default: all hosts. */
  propagateTo?: Array<string | RegExp>;
  /** GraphQL operations and resolvers (`@nestjs/graphql`): on by default; `{ fieldSpans: true }` adds `@ResolveField` spans. */
  graphql?: boolean | GraphqlTracingOptions;
}

export interface NestLayerOptions {
  workflow: string;
  exclude: ExcludedRoute[];
  propagateTo: Array<string | RegExp> | undefined;
  graphql: ResolvedGraphqlTracing;
}

export const DEFAULT_HTTP_WORKFLOW = 'http';

/** The server refuses a span whose workflow is empty or over 128 characters (PROTOCOL.md §6). */
const MAX_WORKFLOW_LENGTH = 128;

/** Options that belong to the Nest layer and the integrations, never passed to the core client. */
const NEST_ONLY_KEYS = ['workflow', 'exclude', 'propagateTo', 'schedule', 'events', 'graphql'] as const;

export function resolveNestLayerOptions(options: TeracronModuleOptions): NestLayerOptions {
  const { workflow, exclude, propagateTo } = options;
  if (workflow !== undefined && (typeof workflow !== 'string' || workflow.trim() === '' || workflow.length > MAX_WORKFLOW_LENGTH)) {
    throw new TeracronConfigError(
      `Invalid Teracron option workflow: expected a non-empty string of at most ${MAX_WORKFLOW_LENGTH} characters. Remove it to use the default '${DEFAULT_HTTP_WORKFLOW}'.`,
    );
  }
  if (exclude !== undefined && (!Array.isArray(exclude) || !exclude.every(isExcludedRoute))) {
    throw new TeracronConfigError(
      "Invalid Teracron option exclude: expected an array of route templates or paths ('/health'), RegExps, or { method?: 'GET', path: '/health' }.",
    );
  }
  if (propagateTo !== undefined && (!Array.isArray(propagateTo) || !propagateTo.every(isHostPattern))) {
    throw new TeracronConfigError(
      "Invalid Teracron option propagateTo: expected an array of hosts ('api.example.com', '.example.com') or RegExps. Remove it to propagate to every host.",
    );
  }
  return { workflow: workflow ?? DEFAULT_HTTP_WORKFLOW, exclude: exclude ?? [], propagateTo, graphql: resolveGraphqlTracing(options.graphql) };
}

/** The options the core client understands: a copy without the Nest layer's keys. */
export function coreOptionsOf(options: TeracronModuleOptions): TeracronOptions {
  const core: Record<string, unknown> = { ...options };
  for (const key of NEST_ONLY_KEYS) delete core[key];
  return core as TeracronOptions;
}

function isExcludedRoute(entry: unknown): boolean {
  if (typeof entry === 'string' || entry instanceof RegExp) return true;
  if (entry === null || typeof entry !== 'object') return false;
  const { method, path } = entry as { method?: unknown; path?: unknown };
  return (method === undefined || typeof method === 'string') && (typeof path === 'string' || path instanceof RegExp);
}

function isHostPattern(entry: unknown): boolean {
  return (typeof entry === 'string' && entry.trim() !== '') || entry instanceof RegExp;
}

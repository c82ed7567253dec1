/**
 * What `TeracronModule.forRoot()` takes: the core options, plus the Nest layer's own
 * (request workflow, excluded routes, outbound propagation hosts) and the background-work
 * integrations'. Defaults are stated here and applied in `resolveNestLayerOptions`, once, at start-up.
 */
import { TeracronConfigError } from '../core/config/config-error';
import { CORE_OPTION_KEYS, unknownOptionWarnings } from '../core/config/option-keys';
import type { TeracronOptions } from '../core/config/options';
import { resolveWorkflowOption } from '../core/config/workflow-option';
import { DEFAULT_PROPAGATION, PROPAGATION_FORMATS, type PropagationFormat } from '../http/outbound-propagation';
import type { ExcludedRoute } from '../http/route-exclusion';
import type { BackgroundWorkOptions } from './background-work-options';
import { resolveGraphqlTracing, type GraphqlTracingOptions, type ResolvedGraphqlTracing } from './graphql/graphql-tracing-options';

export interface TeracronModuleOptions extends TeracronOptions, BackgroundWorkOptions {
  /** Workflow of the spans opened per HTTP request. Default `'http'`. */
  workflow?: string;
  /** Routes never traced (health checks, metrics scrapes), matched against the route template and the request path. Default none. */
  exclude?: ExcludedRoute[];
  /** Hosts outbound requests may carry the trace headers to (a host, a `.suffix` domain or a RegExp). Default: all hosts. */
  propagateTo?: Array<string | RegExp>;
  /** Trace headers outbound requests carry: `'teracron'` (X-Teracron-Trace), `'w3c'` (traceparent, tracestate). Default `['teracron']`; inbound, both are always read. */
  propagation?: PropagationFormat[];
  /** Client spans: one per outbound HTTP request and per ClientProxy send()/emit() inside a sampled trace. `false` turns both off, `{ http: false }` or `{ rpc: false }` one. Default on. */
  clientSpans?: boolean | ClientSpansOptions;
  /** GraphQL operations and resolvers (`@nestjs/graphql`): on by default; `{ fieldSpans: true }` adds `@ResolveField` spans. */
  graphql?: boolean | GraphqlTracingOptions;
  /**
   * Bind TeracronInterceptor to every HTTP route too, as a global interceptor (the earlier default). Default
   * `false`: request spans need no interceptor, and one makes Nest build an rxjs pipeline around
   * every handler (see the README's Performance section for what it costs).
   */
  httpInterceptor?: boolean;
}

export interface ClientSpansOptions {
  /** fetch, undici and node:http(s) requests. Default true. */
  http?: boolean;
  /** Microservice `ClientProxy.send()` / `.emit()`. Default true. */
  rpc?: boolean;
}

export interface NestLayerOptions {
  workflow: string;
  exclude: ExcludedRoute[];
  propagateTo: Array<string | RegExp> | undefined;
  propagation: PropagationFormat[];
  clientSpans: Required<ClientSpansOptions>;
  graphql: ResolvedGraphqlTracing;
  httpInterceptor: boolean;
}

export const DEFAULT_HTTP_WORKFLOW = 'http';

/** Options of the Nest layer and the integrations, never passed to the core client; the Record type makes the compiler list a new one here. */
const NEST_ONLY_KEYS: Record<Exclude<keyof TeracronModuleOptions, keyof TeracronOptions>, true> = {
  workflow: true,
  exclude: true,
  propagateTo: true,
  propagation: true,
  clientSpans: true,
  schedule: true,
  events: true,
  graphql: true,
  httpInterceptor: true,
};

/**
 * Every key forRoot's options or a forRootAsync factory's result may hold. `isGlobal` is an extra of
 * forRoot/forRootAsync that Nest strips from forRoot's options; accepted so a factory returning it is not warned about.
 */
const MODULE_OPTION_KEYS: readonly string[] = [...CORE_OPTION_KEYS, ...Object.keys(NEST_ONLY_KEYS), 'isGlobal'];

/** One warning per unknown key of the module's options (a typo such as `excludes` is otherwise silently ignored). */
export function unknownModuleOptionWarnings(options: TeracronModuleOptions): string[] {
  if (options === null || typeof options !== 'object') return [];
  return unknownOptionWarnings(options, MODULE_OPTION_KEYS, 'TeracronModule.forRoot / forRootAsync options');
}

export function resolveNestLayerOptions(options: TeracronModuleOptions): NestLayerOptions {
  const { workflow, exclude, propagateTo } = options;
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
  const { httpInterceptor } = options;
  if (httpInterceptor !== undefined && typeof httpInterceptor !== 'boolean') {
    throw new TeracronConfigError('Invalid Teracron option httpInterceptor: expected true or false (default false: request spans without an interceptor).');
  }
  return {
    httpInterceptor: httpInterceptor ?? false,
    workflow: resolveWorkflowOption('workflow', workflow, DEFAULT_HTTP_WORKFLOW),
    exclude: exclude ?? [],
    propagateTo,
    propagation: resolvePropagation(options.propagation),
    clientSpans: resolveClientSpans(options.clientSpans),
    graphql: resolveGraphqlTracing(options.graphql),
  };
}

function resolvePropagation(value: unknown): PropagationFormat[] {
  if (value === undefined) return [...DEFAULT_PROPAGATION];
  if (!Array.isArray(value) || !value.every((format) => PROPAGATION_FORMATS.includes(format as PropagationFormat))) {
    throw new TeracronConfigError(
      `Invalid Teracron option propagation: expected an array of ${PROPAGATION_FORMATS.map((f) => `'${f}'`).join(', ')} (for example ['teracron', 'w3c']). Remove it to send X-Teracron-Trace only.`,
    );
  }
  return [...new Set(value as PropagationFormat[])];
}

function resolveClientSpans(value: unknown): Required<ClientSpansOptions> {
  if (value === undefined || typeof value === 'boolean') return { http: value !== false, rpc: value !== false };
  const { http, rpc } = (value ?? {}) as ClientSpansOptions;
  if (value === null || typeof value !== 'object' || (http !== undefined && typeof http !== 'boolean') || (rpc !== undefined && typeof rpc !== 'boolean')) {
    throw new TeracronConfigError('Invalid Teracron option clientSpans: expected true, false or { http?: boolean, rpc?: boolean }. Remove it to keep client spans on.');
  }
  return { http: http !== false, rpc: rpc !== false };
}

/** The options the core client understands: a copy of the core's keys only (unknown keys were warned about already). */
export function coreOptionsOf(options: TeracronModuleOptions): TeracronOptions {
  // Not an object: passed on as it is, for the core to refuse with its own TeracronConfigError.
  if (options === null || typeof options !== 'object') return options;
  const core: Record<string, unknown> = {};
  for (const key of CORE_OPTION_KEYS) if (key in options) core[key] = options[key];
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

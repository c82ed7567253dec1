/**
 * Decides whether a request is left untraced (the `exclude` option). A route's decision by its
 * template is computed once and cached (templates are few); a request's path is tested when it
 * arrives. With no entries (the default) nothing is looked up at all.
 */

/** A route not to trace: a template or path (`'/health'`), a RegExp tested on both, or one method of a route. */
export type ExcludedRoute = string | RegExp | { method?: string; path: string | RegExp };

interface Rule {
  method: string | undefined;
  pattern: string | RegExp;
}

export class RouteExclusion {
  private readonly rules: Rule[];
  /** `METHOD template` → decision. */
  private readonly byTemplate = new Map<string, boolean>();

  constructor(entries: ExcludedRoute[]) {
    this.rules = entries.map((entry) =>
      typeof entry === 'string' || entry instanceof RegExp
        ? { method: undefined, pattern: normalise(entry) }
        : { method: entry.method?.toUpperCase(), pattern: normalise(entry.path) },
    );
  }

  /** By the path a request arrived with (before any route is known). */
  isPathExcluded(method: string, path: string): boolean {
    return this.rules.length !== 0 && this.matches(method, path);
  }

  /** By the route template the platform matched. */
  isRouteExcluded(method: string, template: string): boolean {
    if (this.rules.length === 0) return false;
    const key = `${method} ${template}`;
    let decision = this.byTemplate.get(key);
    if (decision === undefined) this.byTemplate.set(key, (decision = this.matches(method, template)));
    return decision;
  }

  private matches(method: string, value: string): boolean {
    const candidate = normalise(value);
    for (const rule of this.rules) {
      if (rule.method !== undefined && rule.method !== method) continue;
      if (typeof rule.pattern === 'string' ? rule.pattern === candidate : testRegExp(rule.pattern, value)) return true;
    }
    return false;
  }
}

/** '/health/' and 'health' name the same route as '/health'. */
function normalise(pattern: string): string;
function normalise(pattern: string | RegExp): string | RegExp;
function normalise(pattern: string | RegExp): string | RegExp {
  if (typeof pattern !== 'string') return pattern;
  const withSlash = pattern.startsWith('/') ? pattern : `/${pattern}`;
  return withSlash.length > 1 && withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}

/** A global or sticky RegExp keeps state between calls; reset it so every test starts at 0. */
function testRegExp(pattern: RegExp, value: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(value);
}

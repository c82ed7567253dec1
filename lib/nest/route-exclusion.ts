/**
 * Decides whether a request is left untraced (the `exclude` option). A route's decision by its
 * template is computed once per handler and cached; only entries that could match a concrete
 * path are tested per request. With no entries (the default) nothing is looked up at all.
 */
import type { ExcludedRoute } from './teracron-module-options';

interface Rule {
  method: string | undefined;
  pattern: string | RegExp;
}

export class RouteExclusion {
  private readonly rules: Rule[];
  private readonly byHandler = new WeakMap<object, Map<string, boolean>>();

  constructor(entries: ExcludedRoute[]) {
    this.rules = entries.map((entry) =>
      typeof entry === 'string' || entry instanceof RegExp
        ? { method: undefined, pattern: normalise(entry) }
        : { method: entry.method?.toUpperCase(), pattern: normalise(entry.path) },
    );
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  isExcluded(handler: object, method: string, template: string | undefined, path: string): boolean {
    if (this.rules.length === 0) return false;
    if (template !== undefined && this.templateDecision(handler, method, template)) return true;
    return this.matches(method, path);
  }

  private templateDecision(handler: object, method: string, template: string): boolean {
    let decisions = this.byHandler.get(handler);
    if (decisions === undefined) this.byHandler.set(handler, (decisions = new Map()));
    const key = `${method} ${template}`;
    let decision = decisions.get(key);
    if (decision === undefined) decisions.set(key, (decision = this.matches(method, template)));
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

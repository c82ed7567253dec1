/**
 * Opt-in spans per call of a `@ResolveField` resolver, which can run thousands of times in one
 * operation. Those resolvers are wrapped once, in the schema graphql-js executes, when the app has
 * bootstrapped: no Nest pipeline per call, and plain `@Field`s (which Nest also gives a resolve
 * function) are left alone. Per call the wrapper costs a context read and a counter; only the first
 * `maxFieldSpans` calls of an operation in a sampled trace get a span (named `Order.items`, a
 * child of the span current when graphql-js resolves it), the rest are counted on the request span.
 */
import type { TraceSink } from '../../core/trace-sink';
import { currentTraceContext, runInTraceContext } from '../../tracing/context';
import type { SpanHandle } from '../../tracing/span';
import { endWithResult } from '../../tracing/traced-result';
import { startMethodSpan } from '../../tracing/trace-start';
import { graphqlOperationOf } from './graphql-operation';

type Resolve = (this: unknown, source: unknown, args: unknown, context: unknown, info: unknown) => unknown;

interface FieldLike {
  resolve?: Resolve;
}

interface NamedTypeLike {
  name: string;
  getFields?: () => Record<string, FieldLike>;
}

/** The part of a GraphQLSchema we read. */
export interface SchemaLike {
  getTypeMap(): Record<string, NamedTypeLike>;
  getQueryType(): unknown;
  getMutationType(): unknown;
  getSubscriptionType(): unknown;
}

export interface FieldSpanSettings {
  sink: TraceSink;
  workflow: string;
  maxFieldSpans: number;
}

const WRAPPED = Symbol('teracron.fieldSpans');

/** Metadata @nestjs/graphql's decorators leave (its graphql.constants), read as its resolvers explorer reads it. */
const RESOLVER_TYPE = 'graphql:resolver_type';
const RESOLVER_NAME = 'graphql:resolver_name';
const RESOLVE_PROPERTY = 'graphql:resolve_property';

/** `Type.field` of every `@ResolveField` method of `instance` (a provider of the app). */
export function resolvedFieldsOf(instance: object, methodNames: readonly string[]): string[] {
  const found: string[] = [];
  const prototype = Object.getPrototypeOf(instance) as Record<string, unknown> | null;
  if (prototype === null) return found;
  for (const methodName of methodNames) {
    const method = prototype[methodName];
    if (typeof method !== 'function' || !Reflect.getMetadata(RESOLVE_PROPERTY, method)) continue;
    const typeName: unknown = Reflect.getMetadata(RESOLVER_TYPE, method) || Reflect.getMetadata(RESOLVER_TYPE, instance.constructor);
    const fieldName: unknown = Reflect.getMetadata(RESOLVER_NAME, method) || methodName;
    if (typeof typeName === 'string' && typeof fieldName === 'string') found.push(`${typeName}.${fieldName}`);
  }
  return found;
}

/**
 * Wraps the resolvers of `schema` whose `Type.field` is in `resolvedFields` until the returned
 * function puts them back.
 */
export function traceFieldResolvers(schema: SchemaLike, resolvedFields: ReadonlySet<string>, settings: FieldSpanSettings): () => void {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  const restores: Array<() => void> = [];
  for (const type of Object.values(schema.getTypeMap())) {
    // Root fields are the interceptor's; introspection types (`__Type`…) are graphql-js's own.
    if (roots.has(type) || type.name.startsWith('__') || typeof type.getFields !== 'function') continue;
    for (const [fieldName, field] of Object.entries(type.getFields())) {
      const original = field.resolve;
      const name = `${type.name}.${fieldName}`;
      if (typeof original !== 'function' || (original as { [WRAPPED]?: true })[WRAPPED] || !resolvedFields.has(name)) continue;
      const wrapped = tracedResolve(original, name, settings);
      field.resolve = wrapped;
      restores.push(() => {
        if (field.resolve === wrapped) field.resolve = original;
      });
    }
  }
  return () => {
    for (const restore of restores.splice(0)) restore();
  };
}

function tracedResolve(original: Resolve, operationName: string, settings: FieldSpanSettings): Resolve {
  const { sink, workflow, maxFieldSpans } = settings;
  /** The span for this call, or undefined: not sampled, no trace, or over the operation's cap. */
  const fieldSpan = (context: unknown): SpanHandle | undefined => {
    const current = sink.running ? currentTraceContext() : undefined;
    if (current === undefined || !current.sampled || current.sink !== sink) return undefined;
    const operation = graphqlOperationOf(context);
    if (operation === undefined) return undefined;
    if (operation.fieldSpans >= maxFieldSpans) {
      operation.droppedFieldSpans++;
      return undefined;
    }
    operation.fieldSpans++;
    return startMethodSpan(workflow, operationName, current);
  };
  const traced = function (this: unknown, source: unknown, args: unknown, context: unknown, info: unknown): unknown {
    let span: SpanHandle | undefined;
    try {
      span = fieldSpan(context);
    } catch {
      // A tracing fault costs the span, never the field.
    }
    if (span === undefined) return original.call(this, source, args, context, info);
    let result: unknown;
    try {
      result = runInTraceContext(span, () => original.call(this, source, args, context, info));
    } catch (error) {
      span.fail(error);
      throw error;
    }
    return endWithResult(span, result);
  };
  Object.defineProperty(traced, WRAPPED, { value: true });
  return traced as Resolve;
}

/**
 * The global interceptor's part for GraphQL (context type 'graphql'): a span per call of a root
 * resolver (`@Query`, `@Mutation`, `@Subscription`), named `Query.order`, a child of the request
 * span; the first one names the request span after the operation. A resolver's error is recorded
 * on its span and passed on unchanged, so the GraphQL response keeps its usual error shape.
 * Field resolvers (which reach interceptors only with Nest's `fieldResolverEnhancers`) are left to
 * graphql-field-spans, so a field never gets two spans.
 */
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { TraceSink } from '../../core/trace-sink';
import { startSpan } from '../../tracing/tracer';
import { handleInSpan } from '../handler-in-span';
import { graphqlOperationOf, isResolveInfo } from './graphql-operation';

export interface GraphqlResolverSettings {
  sink: TraceSink;
  workflow: string;
  enabled: boolean;
}

/** Resolver arguments as graphql-js passes them: (parent, args, context, info). */
const CONTEXT_ARG = 2;
const INFO_ARG = 3;

/** undefined: not a call we trace (a field resolver, or GraphQL tracing off). */
export function traceGraphqlResolver(context: ExecutionContext, next: CallHandler, settings: GraphqlResolverSettings): Observable<unknown> | undefined {
  if (!settings.enabled) return undefined;
  const info: unknown = context.getArgByIndex(INFO_ARG);
  if (!isResolveInfo(info) || info.path.prev !== undefined) return undefined;
  const operation = graphqlOperationOf(context.getArgByIndex(CONTEXT_ARG));
  operation?.nameFrom(info);
  const span = startSpan(settings.workflow, { operation: `${info.parentType.name}.${info.fieldName}`, sink: settings.sink });
  // In a trace not kept the request's root may still be sent alone if the answer fails: it gets the resolver's own error.
  if (!span.sampled) return handleInSpan(span, next, { error: (error) => operation?.resolverFailed(error) });
  return handleInSpan(span, next, {
    error: (error) => {
      span.fail(error);
      operation?.resolverFailed(error);
    },
    complete: () => span.end(),
    unsubscribe: () => span.end(),
  });
}

/**
 * The request span as a layer above HTTP sees it (GraphQL): it knows better than the route what
 * the request was (`query GetOrder`, not `POST /graphql`) and whether its answer carried errors
 * (a 200 with `errors`). The span stays owned by server-request-spans, which ends it; this only
 * renames it and marks its answer failed.
 */
import type { FlatRecord } from '../core/types';
import type { SpanHandle } from '../tracing/span';
import { requestSpanStateOf } from './server-request-spans';

export interface RequestSpanAccess {
  readonly span: SpanHandle;
  /** Names the span for good: the route template no longer replaces it when the request ends. */
  rename(operation: string, metadata?: FlatRecord): void;
  /** The span ends failed with this error unless its status is a 5xx (then it fails as usual). */
  markAnswerFailed(error: unknown): void;
}

/** The request span of a raw request or of Express's / Fastify's request, or undefined when it has none. */
export function requestSpanOf(request: unknown): RequestSpanAccess | undefined {
  const state = requestSpanStateOf(request);
  if (state === undefined || !state.span.sampled) return undefined;
  return {
    span: state.span,
    rename(operation, metadata) {
      state.named = true;
      state.span.setOperation(operation);
      if (metadata !== undefined) state.span.setMetadata(metadata);
    },
    markAnswerFailed(error) {
      state.answerError ??= { value: error };
    },
  };
}

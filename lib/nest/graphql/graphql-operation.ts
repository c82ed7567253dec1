/**
 * One GraphQL operation in flight, found by its GraphQL context object (one per operation, passed
 * to every resolver; Apollo's holds `req`, Mercurius's `reply`). It names the HTTP request span
 * after the operation (`query GetOrder`, or the type alone when anonymous), counts field spans
 * against their cap, and marks the request span failed when the answer carries errors.
 */
import { requestSpanOf, type RequestSpanAccess } from '../../http/http-request-spans';

/** What graphql-js passes a resolver as `info`, as far as we read it. */
export interface ResolveInfoLike {
  fieldName: string;
  parentType: { name: string };
  /** A root field's path has no `prev`. */
  path: { prev: unknown };
  operation: { operation: string; name?: { value: string } | null };
}

export function isResolveInfo(value: unknown): value is ResolveInfoLike {
  const info = value as Partial<ResolveInfoLike> | null | undefined;
  return typeof info === 'object' && info !== null && typeof info.fieldName === 'string' && typeof info.path === 'object' && typeof info.operation === 'object';
}

/** `query GetOrder`, `mutation` for an anonymous one. */
export function operationNameOf(info: ResolveInfoLike): string {
  const name = info.operation.name?.value;
  return name ? `${info.operation.operation} ${name}` : info.operation.operation;
}

/** A GraphQL Name (spec §2.1.9), of a length an operation can carry: anything else a client sends is not used. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,127}$/;

export class GraphqlOperation {
  private named = false;
  /** Field spans recorded, and those beyond the cap that were only counted. */
  fieldSpans = 0;
  droppedFieldSpans = 0;

  constructor(private readonly request: RequestSpanAccess | undefined) {}

  /** The first root resolver names the request span: the operation as graphql-js parsed it. */
  nameFrom(info: ResolveInfoLike): void {
    if (this.named) return;
    this.named = true;
    const name = info.operation.name?.value;
    this.request?.rename(operationNameOf(info), name ? { 'graphql.operation.type': info.operation.operation, 'graphql.operation.name': name } : { 'graphql.operation.type': info.operation.operation });
  }

  resolverFailed(error: unknown): void {
    this.request?.markAnswerFailed(error);
  }

  /**
   * The request hook saw the operation begin: until a resolver names it, the request span is
   * `graphql`, with the name the client gave if any (what a document that fails validation keeps).
   */
  begin(clientOperationName: unknown): void {
    if (this.named) return;
    this.request?.rename(typeof clientOperationName === 'string' && GRAPHQL_NAME.test(clientOperationName) ? `graphql ${clientOperationName}` : 'graphql');
  }

  /** The answer is about to be sent with these errors (those of resolvers, validation, non-null fields…). */
  finish(errors: readonly unknown[] | null | undefined): void {
    const request = this.request;
    if (request === undefined) return;
    if (Array.isArray(errors) && errors.length > 0) {
      const first = errors[0] as { originalError?: unknown } | null;
      request.markAnswerFailed(first?.originalError ?? first);
      request.span.setMetadata({ 'graphql.errors': errors.length });
    }
    if (this.droppedFieldSpans > 0) request.span.setMetadata({ 'graphql.field_spans': this.fieldSpans, 'graphql.field_spans_dropped': this.droppedFieldSpans });
  }
}

const operations = new WeakMap<object, GraphqlOperation>();

/** The operation of a GraphQL context, begun on first sight (by the request hook, else by a resolver). */
export function graphqlOperationOf(context: unknown): GraphqlOperation | undefined {
  if (context === null || typeof context !== 'object') return undefined;
  let operation = operations.get(context);
  if (operation === undefined) {
    operation = new GraphqlOperation(requestSpanOf(httpRequestOf(context)));
    operations.set(context, operation);
  }
  return operation;
}

export function endGraphqlOperation(context: unknown, errors: readonly unknown[] | null | undefined): void {
  if (context === null || typeof context !== 'object') return;
  const operation = operations.get(context);
  if (operation === undefined) return;
  operations.delete(context);
  operation.finish(errors);
}

/** Apollo's context holds the request as `req`; Mercurius's holds Fastify's reply, whose `request` it is. */
function httpRequestOf(context: object): unknown {
  const { req, reply, request } = context as { req?: unknown; reply?: { request?: unknown }; request?: unknown };
  return req ?? reply?.request ?? request;
}

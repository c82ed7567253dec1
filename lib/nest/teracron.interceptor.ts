/**
 * The module's interceptor: bound to message handlers, gateway messages and resolvers (bound-interceptor),
 * and global (APP_INTERCEPTOR) with `httpInterceptor: true`. For HTTP it only tells the request's span
 * (http-request-spans) the route that matched, and runs the handler in that span; for microservice
 * and gateway messages it opens the message span (message-spans). With the client not running (no API key, before bootstrap, after shutdown) or
 * tracing off, it steps aside. Nothing here logs.
 */
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { TeracronClient } from '../core/client';
import type { HttpRequestSpans } from '../http/http-request-spans';
import { routeTemplateOf } from '../http/route-template';
import { traceGraphqlResolver, type GraphqlResolverSettings } from './graphql/graphql-resolver-spans';
import { handleInSpan, handleOutsideTrace } from './handler-in-span';
import { rpcOperation, wsOperation } from './message-operation';
import { traceMessage } from './message-spans';
import { rpcTraceHeaderOf } from './rpc-trace-header';
import type { NestLayerOptions } from './teracron-module-options';
import { RPC_WORKFLOW, TERACRON_HTTP_SPANS, TERACRON_NEST_LAYER, WS_WORKFLOW } from './teracron.constants';

@Injectable()
export class TeracronInterceptor implements NestInterceptor {
  private readonly graphql: GraphqlResolverSettings;

  constructor(
    private readonly client: TeracronClient,
    @Inject(TERACRON_HTTP_SPANS) private readonly httpSpans: HttpRequestSpans,
    @Inject(TERACRON_NEST_LAYER) layer: NestLayerOptions,
  ) {
    this.graphql = { sink: client, workflow: layer.graphql.workflow, enabled: layer.graphql.enabled };
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const client = this.client;
    if (!client.running || !client.tracing.enabled) return next.handle();
    let traced: Observable<unknown> | undefined;
    try {
      traced = this.trace(context, next);
    } catch {
      // A tracing fault must not cost the request: serve it untraced.
    }
    return traced ?? next.handle();
  }

  /** undefined: not a context we trace. Must not call next.handle() before it can no longer throw. */
  private trace(context: ExecutionContext, next: CallHandler): Observable<unknown> | undefined {
    switch (context.getType<string>()) {
      case 'http': {
        const request = context.switchToHttp().getRequest<object>();
        const span = this.httpSpans.routeMatched(request, routeTemplateOf(request));
        if (span === undefined) return undefined;
        if (span === null) return handleOutsideTrace(next);
        // Its error reaches the span through Nest's ExceptionsHandler (http-route-errors), as in the default mode.
        return handleInSpan(span, next);
      }
      case 'rpc':
        return traceMessage(next, this.client, RPC_WORKFLOW, rpcOperation(context), rpcTraceHeaderOf(context.switchToRpc().getContext()));
      case 'ws':
        return traceMessage(next, this.client, WS_WORKFLOW, wsOperation(context), undefined);
      case 'graphql':
        return traceGraphqlResolver(context, next, this.graphql);
      default:
        return undefined;
    }
  }
}

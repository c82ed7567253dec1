/**
 * The global interceptor (APP_INTERCEPTOR): a root span per HTTP request, microservice message
 * and gateway message, sent to this app's client. With the client not running (no API key,
 * before bootstrap, after shutdown) or tracing off, it steps aside. Nothing here logs.
 */
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { TeracronClient } from '../core/client';
import { traceGraphqlResolver, type GraphqlResolverSettings } from './graphql/graphql-resolver-spans';
import { traceHttpRequest, type HttpTracingSettings } from './http-request-tracing';
import { rpcOperation, wsOperation } from './message-operation';
import { traceMessage } from './message-tracing';
import { RouteExclusion } from './route-exclusion';
import { rpcTraceHeaderOf } from './rpc-trace-header';
import { TERACRON_NEST_LAYER } from './teracron-nest-layer.token';
import type { NestLayerOptions } from './teracron-module-options';

/** Workflows of message spans; HTTP requests use the `workflow` option. */
export const RPC_WORKFLOW = 'rpc';
export const WS_WORKFLOW = 'ws';

@Injectable()
export class TeracronInterceptor implements NestInterceptor {
  private readonly http: HttpTracingSettings;
  private readonly graphql: GraphqlResolverSettings;

  constructor(
    private readonly client: TeracronClient,
    @Inject(TERACRON_NEST_LAYER) layer: NestLayerOptions,
  ) {
    this.http = { sink: client, workflow: layer.workflow, exclusion: new RouteExclusion(layer.exclude) };
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
      case 'http':
        return traceHttpRequest(context, next, this.http);
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

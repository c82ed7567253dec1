/**
 * Connects the app's HTTP server (Express or Fastify) to the per-request spans of
 * server-request-spans. Fastify's raw request does not know its route, so an onRequest hook
 * hands Fastify's request object over for naming spans the interceptor never saw.
 */
import type { HttpAdapterHost } from '@nestjs/core';
import type { TraceSink } from '../core/trace-sink';
import { RouteExclusion } from './route-exclusion';
import { requestSpanStateOf, traceServerRequests } from './server-request-spans';
import type { NestLayerOptions } from './teracron-module-options';

interface FastifyLike {
  addHook(name: 'onRequest', hook: (request: unknown, reply: unknown, done: () => void) => void): unknown;
}

export function traceHttpServerOf(host: HttpAdapterHost | undefined, sink: TraceSink, layer: NestLayerOptions): (() => void) | undefined {
  const adapter = host?.httpAdapter;
  if (!adapter) return undefined;
  try {
    const server: unknown = adapter.getHttpServer();
    if (server === null || typeof server !== 'object') return undefined;
    if (adapter.getType() === 'fastify') addRouteHook(adapter.getInstance() as FastifyLike);
    return traceServerRequests(server, { sink, workflow: layer.workflow, exclusion: new RouteExclusion(layer.exclude) });
  } catch {
    // Without server spans the interceptor still traces every request that reaches a handler.
    return undefined;
  }
}

function addRouteHook(fastify: FastifyLike): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const state = requestSpanStateOf(request);
    if (state !== undefined) state.frameworkRequest = request;
    done();
  });
}

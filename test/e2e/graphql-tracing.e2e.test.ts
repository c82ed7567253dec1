/**
 * GraphQL on real apps, code first: Apollo on Express and Mercurius on Fastify. A named query, an
 * anonymous mutation, a resolver that throws, and a query touching 1 000 `@ResolveField` calls
 * arrive at the ingest as trees rooted at the request span named after the operation, with a
 * span per root resolver, `@Trace` inside it, and field spans only when asked for (capped).
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { Args, Field, GraphQLModule, ID, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver, ResolverDecoratorHost, Subscription } from '@nestjs/graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { TeracronClient } from '../../lib/core/client';
import type { SpanRecord } from '../../lib/core/types';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import type { GraphqlTracingOptions } from '../../lib/nest/graphql/graphql-tracing-options';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { responseTraceIds, startNestApp, type Platform, type RunningNestApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { httpInterceptor } from '../support/http-interceptor-mode';

const WAIT_MS = 15_000;
const FIELD_CALLS = 1_000;

@ObjectType()
class Order {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  quantity!: number;
}

@Injectable()
class OrderStore {
  @Trace('orders')
  async load(id: string): Promise<Order> {
    await new Promise((resolve) => setImmediate(resolve));
    return { id, quantity: 2 };
  }
}

@Resolver(() => Order)
class OrderResolver {
  constructor(private readonly store: OrderStore) {}

  @Query(() => Order)
  order(@Args('id') id: string): Promise<Order> {
    return this.store.load(id);
  }

  @Query(() => [Order])
  orders(@Args('count', { type: () => Int }) count: number): Order[] {
    return Array.from({ length: count }, (_, i) => ({ id: String(i), quantity: i }));
  }

  @Query(() => String)
  broken(): string {
    throw new Error('the order ledger is unreachable');
  }

  @Mutation(() => Order)
  placeOrder(@Args('quantity', { type: () => Int }) quantity: number): Order {
    return { id: 'new', quantity };
  }

  @Subscription(() => Order)
  async *orderPlaced(): AsyncGenerator<{ orderPlaced: Order }> {
    yield { orderPlaced: { id: 'live', quantity: 1 } };
  }

  @ResolveField(() => Int)
  total(@Parent() order: Order): number {
    return order.quantity * 10;
  }
}

/** The app's own request hooks, set before Teracron's: they must keep running, with their own state. */
@Injectable()
class AuditHooks implements OnModuleInit {
  readonly ended: Array<{ state: unknown; errors: number }> = [];
  private started = 0;

  constructor(private readonly host: ResolverDecoratorHost) {}

  onModuleInit(): void {
    this.host.setOnRequestStartHook(() => ({ audit: ++this.started }));
    this.host.setOnRequestEndHook((context: { state?: unknown; errors?: readonly unknown[] }) => this.ended.push({ state: context.state, errors: context.errors?.length ?? 0 }));
  }
}

const DRIVERS: Array<{ platform: Platform; name: string; graphqlModule: () => DynamicModule }> = [
  {
    platform: 'express',
    name: 'Apollo',
    graphqlModule: () => GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, subscriptions: { 'graphql-ws': true } }),
  },
  // Nest's interceptors also run for field resolvers here: the global interceptor must leave them to the field spans.
  {
    platform: 'fastify',
    name: 'Mercurius',
    graphqlModule: () => GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, autoSchemaFile: true, fieldResolverEnhancers: ['interceptors'] }),
  },
];

function appModule(domain: string, graphqlModule: DynamicModule, graphql: GraphqlTracingOptions, traceSampleRate = 1): new () => unknown {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, httpInterceptor, traceFlushIntervalSeconds: 1, traceSampleRate, graphql }), graphqlModule],
    providers: [OrderResolver, OrderStore, AuditHooks],
  })
  class GraphqlAppModule {}
  return GraphqlAppModule;
}

for (const driver of DRIVERS) {
  describe(`GraphQL tracing with ${driver.name} on ${driver.platform}`, () => {
    let ingest: IngestServer;
    let withoutFields: RunningNestApp;
    let withFields: RunningNestApp;
    /** Keeps no trace (rate 0): each request's root is only watched, and sent alone if the request fails. */
    let keepingNone: RunningNestApp;

    before(async () => {
      ingest = await startTestIngest();
      // Started first: a call outside any trace (a subscription) goes to the newest app that bound the resolver.
      keepingNone = await startNestApp(appModule(ingest.domain, driver.graphqlModule(), {}, 0), driver.platform);
      withoutFields = await startNestApp(appModule(ingest.domain, driver.graphqlModule(), {}), driver.platform);
      withFields = await startNestApp(appModule(ingest.domain, driver.graphqlModule(), { fieldSpans: true }), driver.platform);
    });

    after(async () => {
      await withoutFields?.close();
      await withFields?.close();
      await keepingNone?.close();
      await ingest?.close();
    });

    const spansOf = (traceId: string): SpanRecord[] => ingest.spans().filter((span) => span.trace_id === traceId);

    /** Posts a GraphQL document and waits until the request span of its trace reached the ingest (it ends last). */
    async function query(app: RunningNestApp, document: string, status = 200): Promise<{ body: { data?: unknown; errors?: Array<{ message: string }> }; root: SpanRecord; spans: SpanRecord[] }> {
      const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: document }) });
      assert.equal(response.status, status);
      const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string }> };
      const { traceId, spanId } = responseTraceIds(response);
      await ingest.waitFor(() => spansOf(traceId).some((span) => span.span_id === spanId), WAIT_MS);
      const spans = spansOf(traceId);
      const root = spans.find((span) => span.span_id === spanId)!;
      return { body, root, spans };
    }

    const childrenOf = (spans: SpanRecord[], parent: SpanRecord): SpanRecord[] => spans.filter((span) => span.parent_span_id === parent.span_id);

    it('names the request span after a named query, with its resolver and the @Trace call inside it as children', async () => {
      const { body, root, spans } = await query(withoutFields, 'query GetOrder { order(id: "42") { id quantity } }');
      assert.deepEqual(body, { data: { order: { id: '42', quantity: 2 } } });
      assert.equal(root.operation, 'query GetOrder');
      assert.equal(root.workflow, 'http');
      assert.equal(root.status, 'succeeded');
      assert.equal(root.metadata?.['graphql.operation.type'], 'query');
      assert.equal(root.metadata?.['graphql.operation.name'], 'GetOrder');
      const [resolver, ...others] = childrenOf(spans, root);
      assert.deepEqual(others, []);
      assert.equal(resolver?.operation, 'Query.order');
      assert.equal(resolver?.workflow, 'graphql');
      assert.equal(resolver?.status, 'succeeded');
      const [load] = childrenOf(spans, resolver!);
      assert.equal(load?.operation, 'OrderStore.load');
      assert.equal(spans.length, 3);
    });

    it('names an anonymous mutation by its type', async () => {
      const { body, root, spans } = await query(withoutFields, 'mutation { placeOrder(quantity: 3) { id quantity } }');
      assert.deepEqual(body, { data: { placeOrder: { id: 'new', quantity: 3 } } });
      assert.equal(root.operation, 'mutation');
      assert.equal(root.metadata?.['graphql.operation.name'], undefined);
      assert.deepEqual(childrenOf(spans, root).map((span) => span.operation), ['Mutation.placeOrder']);
    });

    it('records a throwing resolver on its span, marks the request failed, and keeps the GraphQL error shape', async () => {
      const { body, root, spans } = await query(withoutFields, 'query Broken { broken }');
      assert.equal(body.data, null);
      assert.equal(body.errors?.length, 1);
      assert.equal(body.errors?.[0]?.message, 'the order ledger is unreachable');
      assert.equal(root.operation, 'query Broken');
      assert.equal(root.status, 'failed');
      assert.equal(root.error_type, 'Error');
      assert.equal(root.error_message, 'the order ledger is unreachable');
      assert.equal(root.metadata?.['graphql.errors'], 1);
      assert.equal(root.metadata?.['http.status_code'], 200);
      const [resolver] = childrenOf(spans, root);
      assert.equal(resolver?.operation, 'Query.broken');
      assert.equal(resolver?.status, 'failed');
      assert.equal(resolver?.error_message, 'the order ledger is unreachable');
    });

    it('in a trace not kept, sends an answer that carried errors alone, failed with its error, and nothing for a clean one', async () => {
      const post = (document: string) => fetch(`${keepingNone.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: document }) });
      const clean = await post('query GetOrder { order(id: "42") { id } }');
      assert.equal(clean.status, 200);
      await clean.arrayBuffer();
      const broken = await post('query Broken { broken }');
      assert.equal(broken.status, 200);
      await broken.arrayBuffer();
      await keepingNone.app.get(TeracronClient).flush();
      assert.deepEqual(spansOf(responseTraceIds(clean).traceId), []);
      const [alone, ...others] = spansOf(responseTraceIds(broken).traceId);
      assert.deepEqual(others, []);
      assert.equal(alone?.operation, 'query Broken');
      assert.equal(alone?.status, 'failed');
      assert.equal(alone?.error_message, 'the order ledger is unreachable');
      assert.equal(alone?.metadata?.['teracron.kept_on_failure'], true);
    });

    it(`gives ${FIELD_CALLS} @ResolveField calls no spans with field spans off`, async () => {
      const { body, root, spans } = await query(withoutFields, `query Many { orders(count: ${FIELD_CALLS}) { id total } }`);
      const orders = (body.data as { orders: Array<{ total: number }> }).orders;
      assert.equal(orders.length, FIELD_CALLS);
      assert.equal(orders[7]?.total, 70);
      assert.equal(root.operation, 'query Many');
      assert.deepEqual(spans.filter((span) => span !== root).map((span) => span.operation), ['Query.orders']);
      assert.equal(root.metadata?.['graphql.field_spans_dropped'], undefined);
    });

    it(`records the first 100 of ${FIELD_CALLS} @ResolveField calls with field spans on and counts the rest`, async () => {
      const { body, root, spans } = await query(withFields, `query Many { orders(count: ${FIELD_CALLS}) { id total } }`);
      assert.equal((body.data as { orders: unknown[] }).orders.length, FIELD_CALLS);
      const fields = spans.filter((span) => span.operation === 'Order.total');
      assert.equal(fields.length, 100);
      assert.ok(fields.every((span) => span.parent_span_id === root.span_id && span.workflow === 'graphql' && span.status === 'succeeded'));
      assert.equal(spans.filter((span) => span.operation === 'Query.orders').length, 1);
      assert.equal(spans.length, 102);
      assert.equal(root.metadata?.['graphql.field_spans'], 100);
      assert.equal(root.metadata?.['graphql.field_spans_dropped'], FIELD_CALLS - 100);
    });

    it('runs the app’s own request hooks, with their state and errors', async () => {
      const audit = withoutFields.app.get(AuditHooks);
      const before = audit.ended.length;
      await query(withoutFields, 'query Broken { broken }');
      const [ended, ...more] = audit.ended.slice(before);
      assert.deepEqual(more, []);
      assert.deepEqual(ended?.errors, 1);
      assert.match(JSON.stringify(ended?.state), /^\{"audit":\d+\}$/);
    });

    it('names a document that fails validation `graphql`, with its 400 (and its error where the driver reports it)', async () => {
      const { body, root, spans } = await query(withoutFields, 'query Bad { nope }', 400);
      assert.match(body.errors?.[0]?.message ?? '', /Cannot query field "nope"/);
      assert.equal(root.operation, 'graphql');
      assert.equal(root.metadata?.['http.status_code'], 400);
      assert.equal(spans.length, 1);
      if (driver.name === 'Apollo') {
        assert.equal(root.status, 'failed');
        assert.equal(root.error_type, 'GraphQLError');
        assert.equal(root.metadata?.['graphql.errors'], 1);
      } else {
        // Mercurius ends no request hook for a document it could not validate: the 4xx rule applies.
        assert.equal(root.status, 'succeeded');
      }
    });

    if (driver.name === 'Apollo') {
      it('gives a @Subscription call its span (over graphql-ws, a root: no HTTP request carries it)', async () => {
        const client = createClient({ url: `${withoutFields.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, lazy: false });
        try {
          const received = await new Promise<unknown>((resolve, reject) => {
            const values: unknown[] = [];
            client.subscribe({ query: 'subscription Live { orderPlaced { id } }' }, { next: (value) => values.push(value), error: reject, complete: () => resolve(values) });
          });
          assert.deepEqual(received, [{ data: { orderPlaced: { id: 'live' } } }]);
        } finally {
          await client.dispose();
        }
        await ingest.waitFor(() => ingest.spans().some((span) => span.operation === 'Subscription.orderPlaced'), WAIT_MS);
        const subscription = ingest.spans().find((span) => span.operation === 'Subscription.orderPlaced')!;
        assert.equal(subscription.workflow, 'graphql');
        assert.equal(subscription.status, 'succeeded');
        assert.equal(subscription.parent_span_id, null);
      });
    }
  });
}

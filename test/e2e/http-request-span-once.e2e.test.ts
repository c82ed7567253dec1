/**
 * One birthplace, one end: on every path a request can take (a handler that answers or throws, a
 * guard's rejection, an unknown route, a body the parser refuses, a client that leaves before the
 * answer), its span is opened once and ended once. Counted at the ingest by the span records and
 * by the workflow events every span emits when it starts and when it ends.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Body, CanActivate, Controller, Get, Injectable, Module, Param, Post, UseGuards } from '@nestjs/common';
import { TeracronClient } from '../../lib/core/client';
import type { SpanRecord, WorkflowEventRecord } from '../../lib/core/types';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { PLATFORMS, responseTraceIds, startNestApp, type RunningNestApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { httpInterceptor } from '../support/http-interceptor-mode';

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

/** Lets a test hold a request inside its handler and see when the handler is over. */
class Gate {
  reached!: Promise<void>;
  done!: Promise<void>;
  release!: () => void;
  private arrive!: () => void;
  private finish!: () => void;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.reached = new Promise((resolve) => (this.arrive = resolve));
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  async hold(): Promise<void> {
    const released = new Promise<void>((resolve) => (this.release = resolve));
    this.arrive();
    try {
      await released;
    } finally {
      this.finish();
    }
  }
}

const gate = new Gate();

@Injectable()
class StatusProbe {
  @Trace('probe')
  check(probe: string): string {
    return probe;
  }
}

@Controller()
class PathsController {
  constructor(private readonly status: StatusProbe) {}

  @Get('orders/:id')
  find(@Param('id') id: string) {
    if (id === 'broken') throw new Error('order store unreachable');
    return { id };
  }

  @Get('deny/:id')
  @UseGuards(DenyGuard)
  deny(@Param('id') id: string) {
    return { id };
  }

  @Post('orders')
  create(@Body() body: unknown) {
    return { received: typeof body };
  }

  @Get('internal/:probe')
  probe(@Param('probe') probe: string) {
    // Its @Trace call starts a trace of its own, as in a request excluded by its path: it never hangs
    // under the request's span, which is never sent.
    return { probe: this.status.check(probe) };
  }

  @Get('internal/:probe/secret')
  @UseGuards(DenyGuard)
  secret(@Param('probe') probe: string) {
    return { probe };
  }

  @Get('slow/:id')
  async slow(@Param('id') id: string) {
    await gate.hold();
    return { id };
  }
}

function appModule(domain: string) {
  @Module({
    // No timer flush: every test flushes when the request is over, so nothing arrives by chance.
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, httpInterceptor, traceEmitEvents: true, traceFlushIntervalSeconds: 300, exclude: ['/internal/:probe', '/internal/:probe/secret'] })],
    controllers: [PathsController],
    providers: [DenyGuard, StatusProbe],
  })
  class OncePathsModule {}
  return OncePathsModule;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

for (const platform of PLATFORMS) {
  describe(`the request span on ${platform}: opened once, ended once`, () => {
    let ingest: IngestServer;
    let app: RunningNestApp;
    let client: TeracronClient;

    before(async () => {
      ingest = await startTestIngest();
      app = await startNestApp(appModule(ingest.domain), platform);
      client = app.app.get(TeracronClient);
    });
    after(async () => {
      await app.close();
      await ingest.close();
    });

    /**
     * Runs `send` (one request), waits until a span has ended, flushes, and returns everything the
     * ingest received meanwhile, whatever its trace: a second span would be in another trace.
     */
    async function settled(send: () => Promise<unknown>, spansExpected = 1): Promise<{ spans: SpanRecord[]; events: WorkflowEventRecord[] }> {
      await client.flush();
      const spansBefore = ingest.spans().length;
      const eventsBefore = ingest.events().length;
      const ended = client.stats().spans.enqueued;
      await send();
      await until(() => client.stats().spans.enqueued >= ended + spansExpected, 'the request span ended');
      await client.flush();
      return { spans: ingest.spans().slice(spansBefore), events: ingest.events().slice(eventsBefore) };
    }

    function assertOnce({ spans, events }: { spans: SpanRecord[]; events: WorkflowEventRecord[] }, operation: string, status: number | 'aborted'): void {
      assert.equal(spans.length, 1, `one span, got ${spans.map((s) => s.operation).join(', ')}`);
      const span = spans[0]!;
      assert.equal(span.parent_span_id, null);
      assert.equal(span.operation, operation);
      if (status === 'aborted') assert.equal(span.metadata?.['http.aborted'], true);
      else assert.equal(span.metadata?.['http.status_code'], status);
      const started = events.filter((e) => e.type === 'workflow_started');
      const ends = events.filter((e) => e.type === 'workflow_completed' || e.type === 'workflow_failed');
      assert.deepEqual(started.map((e) => e.span_id), [span.span_id], 'opened once');
      assert.deepEqual(ends.map((e) => e.span_id), [span.span_id], 'ended once');
    }

    async function fetchTrace(path: string, init?: RequestInit): Promise<string> {
      const response = await fetch(`${app.url}${path}`, init);
      await response.arrayBuffer();
      return responseTraceIds(response).traceId;
    }

    it('a handler that answers', async () => {
      assertOnce(await settled(() => fetchTrace('/orders/7')), 'GET /orders/:id', 200);
    });

    it('a handler that throws', async () => {
      assertOnce(await settled(() => fetchTrace('/orders/broken')), 'GET /orders/:id', 500);
    });

    it('a guard that rejects', async () => {
      assertOnce(await settled(() => fetchTrace('/deny/7')), 'GET /deny/:id', 403);
    });

    it('an unknown route', async () => {
      assertOnce(await settled(() => fetchTrace('/nowhere/7')), 'GET (unmatched)', 404);
    });

    it('a body the parser refuses', async () => {
      const traced = await settled(() => fetchTrace('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken": ' }));
      // Express parses bodies before it routes; Fastify routes first.
      assertOnce(traced, platform === 'express' ? 'POST (unmatched)' : 'POST /orders', 400);
    });

    for (const [name, path, probes] of [
      ['a handler', '/internal/ready', 1],
      ['a guard', '/internal/ready/secret', 0],
    ] as const) {
      it(`a request excluded by its route template, answered by ${name}: no span of its own`, async () => {
        const window = await settled(async () => {
          const excluded = await fetch(`${app.url}${path}`);
          await excluded.arrayBuffer();
          // A traced request after it: its span ends after the excluded one would have.
          await fetchTrace('/orders/8');
        }, 1 + probes);
        const requestSpans = window.spans.filter((s) => s.workflow === 'http');
        assert.deepEqual(requestSpans.map((s) => s.operation), ['GET /orders/:id']);
        const probeSpans = window.spans.filter((s) => s.workflow === 'probe');
        assert.equal(probeSpans.length, probes);
        for (const probe of probeSpans) assert.equal(probe.parent_span_id, null, 'the probe is a root, not an orphan');
        const ends = window.events.filter((e) => e.type !== 'workflow_started' && e.workflow === 'http');
        assert.deepEqual(ends.map((e) => e.operation), ['GET /orders/:id'], 'no other request span ended');
      });
    }

    it('a client that leaves before the answer', async () => {
      gate.reset();
      await client.flush();
      const spansBefore = ingest.spans().length;
      const eventsBefore = ingest.events().length;
      await settled(async () => {
        const request = http.get(`${app.url}/slow/7`);
        request.on('error', () => {});
        await gate.reached;
        request.destroy();
      });
      // The handler finishes after the span ended: that must not end it (or open another) again.
      gate.release();
      await gate.done;
      await new Promise((resolve) => setImmediate(resolve));
      await client.flush();
      assertOnce({ spans: ingest.spans().slice(spansBefore), events: ingest.events().slice(eventsBefore) }, 'GET /slow/:id', 'aborted');
    });
  });
}

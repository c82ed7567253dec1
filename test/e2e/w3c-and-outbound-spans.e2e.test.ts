/**
 * W3C trace context and outbound client spans, in real Nest apps over real HTTP:
 * - a request with only `traceparent` continues that trace id (its W3C parent in `w3c.parent_id`);
 * - with `propagation: ['teracron', 'w3c']`, outbound requests carry a valid traceparent, and a
 *   peer instrumented with OpenTelemetry only (its own process) keeps the trace id across
 *   Teracron → OTel → Teracron;
 * - an outbound fetch is a child span with its duration and status; a refused connection a failed
 *   span; the export requests never get one; `clientSpans: false` turns them off.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Controller, Get, Injectable, Module, Query } from '@nestjs/common';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import type { TeracronModuleOptions } from '../../lib/nest/teracron-module-options';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { refusingLoopback, type RefusingLoopback } from '../support/closed-loopback';
import { spawnFixtureApp, startNestApp, type FixtureProcess, type RunningNestApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;
const SLOW_MS = 150;

@Injectable()
class Calls {
  @Trace('calls')
  async fetchJson(url: string): Promise<unknown> {
    const response = await fetch(url);
    return response.json();
  }

  @Trace('calls')
  async refused(url: string): Promise<string> {
    try {
      await fetch(url);
      return 'answered';
    } catch {
      return 'refused';
    }
  }
}

@Controller()
class CallsController {
  constructor(private readonly calls: Calls) {}

  @Get('call')
  call(@Query('url') url: string): Promise<unknown> {
    return this.calls.fetchJson(url);
  }

  @Get('refused')
  refused(@Query('url') url: string): Promise<string> {
    return this.calls.refused(url);
  }

  @Get('echo')
  echo(): { ok: true } {
    return { ok: true };
  }
}

function appModule(domain: string, options: Partial<TeracronModuleOptions>) {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, traceFlushIntervalSeconds: 1, ...options })],
    controllers: [CallsController],
    providers: [Calls],
  })
  class W3cModule {}
  return W3cModule;
}

/** Answers after SLOW_MS with the trace headers it received. */
function startSlowServer(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.statusCode = req.url?.startsWith('/missing') ? 404 : 200;
      res.end(JSON.stringify({ traceparent: req.headers.traceparent ?? null, teracron: req.headers['x-teracron-trace'] ?? null, tracestate: req.headers.tracestate ?? null }));
    }, SLOW_MS);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('W3C trace context and outbound client spans', () => {
  let ingest: IngestServer;
  let a: RunningNestApp;
  let b: RunningNestApp;
  let quiet: RunningNestApp;
  let slow: http.Server;
  let slowUrl: string;
  let refusing: RefusingLoopback;
  let peer: FixtureProcess;

  before(async () => {
    ingest = await startTestIngest();
    slow = await startSlowServer();
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    refusing = await refusingLoopback();
    a = await startNestApp(appModule(ingest.domain, { propagation: ['teracron', 'w3c'] }), 'express');
    b = await startNestApp(appModule(ingest.domain, {}), 'express');
    quiet = await startNestApp(appModule(ingest.domain, { clientSpans: false }), 'express');
    peer = await spawnFixtureApp(path.join(__dirname, '..', 'fixtures', 'otel-peer', 'peer.js'), {});
  });

  after(async () => {
    peer?.kill();
    await Promise.all([a?.close(), b?.close(), quiet?.close()]);
    await ingest?.close();
    await refusing?.close();
    slow?.close();
  });

  it('a request with only traceparent continues that trace id, its W3C parent in w3c.parent_id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(`${b.url}/echo`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    assert.equal(response.status, 200);
    await ingest.waitFor((s) => s.spans().some((x) => x.trace_id === traceId && x.operation === 'GET /echo'), 10_000);
    const span = ingest.spans().find((x) => x.trace_id === traceId)!;
    assert.equal(span.parent_span_id, null);
    assert.equal(span.metadata?.['w3c.parent_id'], '00f067aa0ba902b7');
  });

  it('an outbound fetch to a slow server is a child span with its duration and status, carrying a valid traceparent and the inbound tracestate', async () => {
    const traceId = 'aaf92f3577b34da6a3ce929d0e0e4736';
    const seen = (await (
      await fetch(`${a.url}/call?url=${encodeURIComponent(`${slowUrl}/slow`)}`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, tracestate: 'vendor=opaque' } })
    ).json()) as { traceparent: string; teracron: string; tracestate: string };
    await ingest.waitFor((s) => s.spans().some((x) => x.trace_id === traceId && x.workflow === 'http.client'), 10_000);
    const client = ingest.spans().find((x) => x.trace_id === traceId && x.workflow === 'http.client')!;
    const method = ingest.spans().find((x) => x.trace_id === traceId && x.operation === 'Calls.fetchJson')!;
    assert.equal(client.operation, 'GET 127.0.0.1');
    assert.equal(client.parent_span_id, method.span_id);
    assert.equal(client.status, 'succeeded');
    assert.equal(client.metadata?.['http.status_code'], 200);
    assert.ok(client.duration_ms >= SLOW_MS - 5, `duration ${client.duration_ms} ms covers the server's ${SLOW_MS} ms`);
    assert.equal(seen.teracron, `${traceId}:${client.span_id}`);
    assert.match(seen.traceparent, TRACEPARENT);
    assert.equal(seen.traceparent, `00-${traceId}-${client.span_id.slice(0, 16)}-01`);
    assert.equal(seen.tracestate, 'vendor=opaque');
  });

  it('a refused connection is a failed client span', async () => {
    const url = `http://${refusing.domain}/nothing`;
    assert.equal(await (await fetch(`${a.url}/refused?url=${encodeURIComponent(url)}`)).text(), 'refused');
    await ingest.waitFor((s) => s.spans().some((x) => x.workflow === 'http.client' && x.status === 'failed'), 10_000);
    const failed = ingest.spans().find((x) => x.workflow === 'http.client' && x.status === 'failed')!;
    const method = ingest.spans().find((x) => x.operation === 'Calls.refused')!;
    assert.equal(failed.parent_span_id, method.span_id);
    assert.ok(failed.error_type !== null);
  });

  it('keeps one trace id across Teracron → OpenTelemetry → Teracron', async () => {
    const next = `${b.url}/echo`;
    const peerUrl = `${peer.url}/hop?next=${encodeURIComponent(next)}`;
    const answer = (await (await fetch(`${a.url}/call?url=${encodeURIComponent(peerUrl)}`)).json()) as { traceId: string; spanId: string; received: string; sent: { traceparent: string } };
    await ingest.waitFor((s) => s.spans().some((x) => x.trace_id === answer.traceId && x.operation === 'GET /echo'), 10_000);
    const trace = ingest.spans().filter((x) => x.trace_id === answer.traceId);
    const aRequest = trace.find((x) => x.operation === 'GET /call')!;
    const aClient = trace.find((x) => x.workflow === 'http.client')!;
    const bRequest = trace.find((x) => x.operation === 'GET /echo')!;
    assert.ok(aRequest && aClient && bRequest, 'A request, A client and B request in one trace');
    assert.match(answer.received, TRACEPARENT);
    assert.equal(answer.received.split('-')[2], aClient.span_id.slice(0, 16), 'the OTel span hangs under A client span');
    assert.equal(bRequest.metadata?.['w3c.parent_id'], answer.spanId, 'B records the OTel span as its W3C parent');
  });

  it('never gives the export requests a span, and clientSpans: false turns client spans off', async () => {
    const before = ingest.spans().length;
    await fetch(`${quiet.url}/call?url=${encodeURIComponent(`${slowUrl}/quiet`)}`);
    await ingest.waitFor((s) => s.spans().length > before && s.spans().some((x) => x.operation === 'GET /call' && x.span_id !== undefined && s.spans().indexOf(x) >= before), 10_000);
    const fresh = ingest.spans().slice(before);
    const quietTrace = fresh.find((x) => x.operation === 'GET /call')!.trace_id;
    assert.ok(!ingest.spans().some((x) => x.trace_id === quietTrace && x.workflow === 'http.client'));
    const ingestHost = new URL(`http://${ingest.domain}`).hostname;
    assert.ok(!ingest.spans().some((x) => x.workflow === 'http.client' && x.metadata?.['http.host'] === ingestHost && x.operation.startsWith('POST')), 'no span for an export');
  });
});

/**
 * Outbound propagation: a request made inside a traced handler carries X-Teracron-Trace (naming
 * its own client span), with fetch, undici and node:http, to the hosts `propagateTo` allows, and
 * to no other host.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { request as undiciRequest } from 'undici';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { PLATFORMS, startNestApp, type RunningNestApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';

/** The second local service: it answers with the trace header it received. */
let downstreamPort = 0;

function nodeHttpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

@Injectable()
class Downstream {
  @Trace('checkout')
  async callAll(): Promise<Record<string, string>> {
    const allowed = `http://127.0.0.1:${downstreamPort}/seen`;
    const other = `http://localhost:${downstreamPort}/seen`;
    return {
      fetch: await (await fetch(allowed)).text(),
      undici: await (await undiciRequest(allowed)).body.text(),
      nodeHttp: await nodeHttpGet(allowed),
      fetchOther: await (await fetch(other)).text(),
      nodeHttpOther: await nodeHttpGet(other),
    };
  }
}

@Controller()
class CallsController {
  constructor(private readonly downstream: Downstream) {}

  @Get('calls')
  calls(): Promise<Record<string, string>> {
    return this.downstream.callAll();
  }
}

function appModule(domain: string) {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, propagateTo: ['127.0.0.1'], traceBatchSize: 1 })],
    controllers: [CallsController],
    providers: [Downstream],
  })
  class OutboundModule {}
  return OutboundModule;
}

for (const platform of PLATFORMS) {
  describe(`outbound propagation on ${platform}`, () => {
    let ingest: IngestServer;
    let app: RunningNestApp;
    let downstream: http.Server;

    before(async () => {
      downstream = http.createServer((req, res) => res.end(String(req.headers['x-teracron-trace'] ?? 'none')));
      await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
      downstreamPort = (downstream.address() as AddressInfo).port;
      ingest = await startTestIngest();
      app = await startNestApp(appModule(ingest.domain), platform);
    });

    after(async () => {
      await app.close();
      await ingest.close();
      downstream.close();
    });

    it('fetch, undici and node:http carry the header of their own client span to an allowed host, and not to another host', async () => {
      const seen = (await (await fetch(`${app.url}/calls`)).json()) as Record<string, string>;
      await ingest.waitFor((s) => s.spans().some((span) => span.operation === 'Downstream.callAll'));
      const span = ingest.spans().find((s) => s.operation === 'Downstream.callAll')!;
      // Each request is a client span under the open span, and the header names that client span.
      await ingest.waitFor((s) => s.spans().filter((c) => c.workflow === 'http.client' && c.parent_span_id === span.span_id).length === 5);
      const clients = new Set(ingest.spans().filter((c) => c.workflow === 'http.client' && c.parent_span_id === span.span_id).map((c) => `${c.trace_id}:${c.span_id}`));
      for (const via of ['fetch', 'undici', 'nodeHttp'] as const) assert.ok(clients.has(seen[via]!), `${via} carried ${seen[via]}`);
      assert.equal(new Set([seen.fetch, seen.undici, seen.nodeHttp]).size, 3, 'one client span per request');
      assert.equal(seen.fetchOther, 'none');
      assert.equal(seen.nodeHttpOther, 'none');
    });

    it('sends no header outside a trace, and none on the export requests', async () => {
      assert.equal(await (await fetch(`http://127.0.0.1:${downstreamPort}/seen`)).text(), 'none');
      // traceBatchSize 1: each span's flush is scheduled from inside its trace, yet our own
      // requests to the ingest (also 127.0.0.1, so allowed) are skipped by origin and path.
      const exports = ingest.requests().filter((r) => r.route === 'traces');
      assert.ok(exports.length >= 1);
      assert.ok(exports.every((r) => !r.traceHeader));
    });
  });
}

/**
 * The fault suite, run by fault-suite.e2e (Express, and the TLS check) and fault-suite-fastify.e2e
 * (one file per platform, so they run side by side). The host app under a misbehaving ingest:
 * down, flapping 503, 429 storms with Retry-After, accepting connections and never answering,
 * redirecting, and a TLS server that offers only TLS 1.1. In each, every app request succeeds, nothing is thrown or left unhandled, the queues
 * stay bounded, stats() counts what was dropped, and once the ingest recovers what is still
 * within bounds arrives.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Controller, Get, Injectable, Module, Param } from '@nestjs/common';
import { TeracronClient } from '../../lib/core/client';
import type { IngestFault } from '../../lib/ingest/fault-injector';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { IngestTransport } from '../../lib/core/transport/ingest-transport';
import { silentLogger } from '../../lib/core/logger';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { refusingLoopback } from './closed-loopback';
import { startNestApp, type Platform, type RunningNestApp } from './nest-apps';
import { startTestIngest } from './start-ingest';
import { TEST_SLUG, testApiKey } from './test-keys';
import { httpInterceptor } from './http-interceptor-mode';

const REQUESTS = 120;

@Injectable()
class Stock {
  @Trace('shop', { capture: ['sku'] })
  async reserve(sku: string): Promise<string> {
    await new Promise((resolve) => setImmediate(resolve));
    return `reserved ${sku}`;
  }
}

@Controller()
class ShopController {
  constructor(private readonly stock: Stock) {}

  @Get('reserve/:sku')
  reserve(@Param('sku') sku: string) {
    return this.stock.reserve(sku);
  }
}

function shopModule(domain: string) {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, httpInterceptor, traceBatchSize: 20, traceFlushIntervalSeconds: 1, timeoutSeconds: 2 })],
    controllers: [ShopController],
    providers: [Stock],
  })
  class ShopModule {}
  return ShopModule;
}

/** Every request must succeed with the app's own answer. */
async function traffic(app: RunningNestApp, count = REQUESTS): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    const batch = Array.from({ length: Math.min(10, count - i) }, (_, k) => fetch(`${app.url}/reserve/sku-${i + k}`));
    for (const response of await Promise.all(batch)) {
      assert.equal(response.status, 200);
      assert.match(await response.text(), /^reserved sku-\d+$/);
    }
  }
}

/** The app-level faults on one platform; `withTls` adds the transport's TLS check (platform-free, run once). */
export function describeFaultSuite(platform: Platform, options: { withTls: boolean }): void {
  describe(`fault suite on ${platform}: the app behaves exactly as without us`, () => {
    const problems: unknown[] = [];
    const onProblem = (error: unknown) => problems.push(error);
    before(() => {
      process.on('unhandledRejection', onProblem);
      process.on('uncaughtException', onProblem);
    });
    after(() => {
      process.off('unhandledRejection', onProblem);
      process.off('uncaughtException', onProblem);
      assert.deepEqual(problems, [], 'no unhandled rejection or uncaught exception');
    });

    it(`ingest down for the whole run, then back: requests succeed, drops are counted, what is in bounds arrives`, async () => {
      // One address for the whole test, held by us: refusing while the ingest is down, relaying once it is back.
      const gate = await refusingLoopback();
      const app = await startNestApp(shopModule(gate.domain), platform);
      let ingest: IngestServer | undefined;
      try {
        await traffic(app);
        const client = app.app.get(TeracronClient);
        const down = client.stats().spans;
        assert.equal(down.sent, 0);
        assert.ok(down.inQueue <= 2_000, 'bounded');
        assert.ok(down.retried > 0, 'failed batches wait for a retry');
        ingest = await startTestIngest();
        gate.forwardTo(ingest.port);
        await ingest.waitFor((s) => s.spans().filter((x) => x.operation === 'Stock.reserve').length === REQUESTS, 20_000);
      } finally {
        await app.close();
        await gate.close();
        await ingest?.close();
      }
    });

    const faults: Array<{ name: string; fault: IngestFault }> = [
      { name: 'flapping 503', fault: { status: 503, count: 4 } },
      { name: 'a 429 storm with Retry-After: 1', fault: { status: 429, retryAfter: 1, count: 6 } },
      { name: 'an ingest that accepts and never answers', fault: { hang: true, count: 2 } },
      { name: 'dropped connections', fault: { dropConnection: true, count: 3 } },
    ];
    for (const { name, fault } of faults) {
      it(`${name}: requests succeed and the spans arrive once the ingest recovers`, async () => {
        const ingest = await startTestIngest();
        ingest.injectFaults({ ...fault, route: 'traces' });
        const app = await startNestApp(shopModule(ingest.domain), platform);
        try {
          await traffic(app);
          await ingest.waitFor((s) => s.spans().filter((x) => x.operation === 'Stock.reserve').length === REQUESTS, 30_000);
          const stats = app.app.get(TeracronClient).stats().spans;
          assert.ok(stats.retried > 0, `${name}: retried`);
          assert.equal(stats.droppedTotal, 0);
        } finally {
          await app.close();
          await ingest.close();
        }
      });
    }

    it(`a redirecting ingest: requests succeed, batches are dropped and counted, never followed`, async () => {
      const ingest = await startTestIngest();
      const redirector = http.createServer((req, res) => {
        req.resume();
        res.writeHead(302, { location: `${ingest.origin}${req.url}` }).end();
      });
      await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
      const app = await startNestApp(shopModule(`127.0.0.1:${(redirector.address() as AddressInfo).port}`), platform);
      try {
        await traffic(app);
        const client = app.app.get(TeracronClient);
        await client.flush();
        const stats = client.stats().spans;
        assert.ok((stats.dropped.rejected_302 ?? 0) > 0);
        assert.equal(ingest.requests().length, 0);
      } finally {
        await app.close();
        redirector.close();
        await ingest.close();
      }
    });

    if (options.withTls) it('a TLS server offering only TLS 1.1 is refused', async (t) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'teracron-tls-'));
      try {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
        const requests: string[] = [];
        const server = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')), minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }, (req, res) => {
          requests.push(req.url ?? '');
          res.writeHead(202).end('{}');
        });
        const handshakeErrors: string[] = [];
        server.on('tlsClientError', (error) => handshakeErrors.push(error.message));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const transport = new IngestTransport({ origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, slug: TEST_SLUG, mode: 'development', timeoutMs: 3000, logger: silentLogger });
        const outcome = await transport.send('traces', Buffer.from('envelope'));
        await transport.close();
        server.close();
        assert.equal(outcome.kind, 'retry');
        assert.deepEqual(requests, [], 'no request was sent over TLS 1.1');
        t.diagnostic(`refused with ${outcome.kind === 'retry' ? outcome.reason : ''}; server saw: ${handshakeErrors.join(' | ')}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

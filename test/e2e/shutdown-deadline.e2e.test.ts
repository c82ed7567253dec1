/**
 * `app.close()` returns by its deadline in every network state the ingest can leave it in: a
 * connect that never completes, a DNS lookup that never answers, a TLS handshake that stalls,
 * headers or a body trickling at 1 byte per second. The deadline is min(timeoutSeconds, 5 s);
 * each state is tried with timeoutSeconds 2 and 30. A batch is on the wire when the app closes:
 * it is destroyed at the deadline and counted as dropped, and one line says what was dropped.
 */
import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { TeracronClient } from '../../lib/core/client';
import type { TeracronLogger } from '../../lib/core/logger';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { replaceLookup, tlsStallServer, tricklingServer, unacceptingListener, type HangingEndpoint } from '../support/hanging-ingests';
import { startNestApp, type Platform } from '../support/nest-apps';
import { testApiKey } from '../support/test-keys';

const MARGIN_MS = 250;

@Injectable()
class Orders {
  @Trace('checkout')
  async place(): Promise<string> {
    await new Promise((resolve) => setImmediate(resolve));
    return 'placed';
  }
}

@Controller()
class OrdersController {
  constructor(private readonly orders: Orders) {}

  @Get('order')
  order() {
    return this.orders.place();
  }
}

function appModule(domain: string, timeoutSeconds: number, logger: TeracronLogger) {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, timeoutSeconds, traceFlushIntervalSeconds: 300, spool: false, logger })],
    controllers: [OrdersController],
    providers: [Orders],
  })
  class DeadlineAppModule {}
  return DeadlineAppModule;
}

interface HangingState {
  name: string;
  start(): Promise<HangingEndpoint>;
  /** Replaces DNS for the test when the state needs a host name. */
  lookup?: 'loopback' | 'never';
}

const STATES: HangingState[] = [
  { name: 'a connect that never completes (stopped listener, full backlog)', start: unacceptingListener },
  {
    name: 'a DNS lookup that never answers',
    start: async () => ({ domain: 'dns-stall.teracron.com:4443', openSockets: () => 0, close: async () => undefined }),
    lookup: 'never',
  },
  { name: 'a TLS handshake that stalls', start: tlsStallServer, lookup: 'loopback' },
  { name: 'headers trickling at 1 byte/s', start: () => tricklingServer('headers') },
  { name: 'a body trickling at 1 byte/s', start: () => tricklingServer('body') },
];

const CASES: Array<{ timeoutSeconds: number; platform: Platform; deadlineMs: number }> = [
  { timeoutSeconds: 2, platform: 'express', deadlineMs: 2_000 },
  { timeoutSeconds: 30, platform: 'fastify', deadlineMs: 5_000 },
];

for (const { timeoutSeconds, platform, deadlineMs } of CASES) {
  describe(`app.close() on ${platform} with timeoutSeconds ${timeoutSeconds}: returns within ${deadlineMs} ms + ${MARGIN_MS} ms`, () => {
    for (const state of STATES) {
      it(`against ${state.name}`, async (t) => {
        const endpoint = await state.start();
        const lookup = state.lookup === undefined ? undefined : replaceLookup(state.lookup);
        const warnings: string[] = [];
        const logger: TeracronLogger = { debug() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
        try {
          const running = await startNestApp(appModule(endpoint.domain, timeoutSeconds, logger), platform);
          const client = running.app.get(TeracronClient);
          const response = await fetch(`${running.url}/order`);
          assert.equal(await response.text(), 'placed');
          // Both spans of the request go on the wire now; the ingest will never finish taking them.
          void client.flush();
          assert.equal(client.stats().spans.inFlight, 2, 'the batch is in flight when the app closes');

          const started = performance.now();
          await running.close();
          const took = performance.now() - started;

          t.diagnostic(`app.close() took ${Math.round(took)} ms`);
          assert.ok(took <= deadlineMs + MARGIN_MS, `app.close() took ${Math.round(took)} ms`);
          const spans = client.stats().spans;
          assert.equal(spans.inFlight, 0);
          assert.equal(spans.dropped.shutdown, 2, 'the batch destroyed at the deadline is counted');
          assert.equal(spans.enqueued, spans.sent + spans.droppedTotal + spans.inQueue + spans.inFlight + spans.held);
          assert.equal(warnings.filter((line) => line.startsWith('stopped with data dropped: ')).length, 1);
          assert.match(warnings.find((line) => line.startsWith('stopped with data dropped: '))!, /spans 2 \(shutdown 2\)/);
          if (lookup) assert.ok(lookup.calls() > 0, 'the client looked the host up through dns.lookup');
          // What the server side held open is gone: the client destroyed its sockets.
          await waitUntil(() => endpoint.openSockets() === 0, 1_000);
        } finally {
          lookup?.restore();
          await endpoint.close();
        }
      });
    }
  });
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * An ingest that answers `429 Retry-After: 0` to everything, for the whole test: retries still
 * wait at least the minimum backoff (500 ms with the defaults), and `app.close()` makes at most
 * MAX_FINAL_FAILURES failed requests per kind, then returns within its deadline.
 */
import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { TeracronClient } from '../../lib/core/client';
import { MAX_FINAL_FAILURES } from '../../lib/core/export/export-lane';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { PLATFORMS, startNestApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';

const MIN_BACKOFF_MS = 500;
/** Timers may fire a little early by the receiving side's clock. */
const TIMER_SLACK_MS = 25;

@Injectable()
class Payments {
  @Trace('payment')
  async charge(): Promise<string> {
    await new Promise((resolve) => setImmediate(resolve));
    return 'charged';
  }
}

@Controller()
class PaymentsController {
  constructor(private readonly payments: Payments) {}

  @Get('charge')
  charge() {
    return this.payments.charge();
  }
}

function appModule(domain: string) {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, traceFlushIntervalSeconds: 300, spool: false, logger: { debug() {}, warn() {}, error() {} } })],
    controllers: [PaymentsController],
    providers: [Payments],
  })
  class RetryStormModule {}
  return RetryStormModule;
}

for (const platform of PLATFORMS) {
  describe(`429 Retry-After: 0 throughout, on ${platform}`, () => {
    it('retries wait at least the minimum backoff, and app.close() makes a bounded number of requests', async (t) => {
      const ingest = await startTestIngest();
      ingest.injectFaults({ status: 429, retryAfter: 0, count: Infinity });
      try {
        const running = await startNestApp(appModule(ingest.domain), platform);
        const client = running.app.get(TeracronClient);
        for (let i = 0; i < 3; i++) assert.equal(await (await fetch(`${running.url}/charge`)).text(), 'charged');
        void client.flush();
        await ingest.waitFor((s) => s.requests().filter((r) => r.route === 'traces').length >= 3, 15_000);
        const times = ingest.requests().filter((r) => r.route === 'traces').map((r) => r.receivedAt);
        const gaps = times.slice(1).map((time, i) => time - times[i]!);
        t.diagnostic(`gaps between retries: ${gaps.join(', ')} ms`);
        for (const gap of gaps) assert.ok(gap >= MIN_BACKOFF_MS - TIMER_SLACK_MS, `a retry came ${gap} ms after the 429`);

        const before = ingest.requests().length;
        const started = performance.now();
        await running.close();
        const took = performance.now() - started;
        const during = ingest.requests().slice(before);
        const perRoute = (route: string) => during.filter((r) => r.route === route).length;
        t.diagnostic(`app.close() took ${Math.round(took)} ms with ${during.length} requests (traces ${perRoute('traces')}, metrics ${perRoute('metrics')}, events ${perRoute('events')})`);
        assert.ok(took <= 5_000 + 250, `app.close() took ${Math.round(took)} ms`);
        for (const route of ['traces', 'metrics', 'events']) assert.ok(perRoute(route) <= MAX_FINAL_FAILURES, `${perRoute(route)} ${route} requests during close`);
        assert.ok(during.every((r) => r.status === 429));
        const spans = client.stats().spans;
        assert.equal(spans.sent, 0);
        assert.equal(spans.dropped.shutdown, 6);
      } finally {
        await ingest.close();
      }
    });
  });
}

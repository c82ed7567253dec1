/**
 * Scheduled work of @nestjs/schedule as root spans: a real Nest app with `@Cron` every second,
 * `@Interval` and `@Timeout`, real timers and the local ingest; and the option that turns it off.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Cron, Interval, ScheduleModule, Timeout } from '@nestjs/schedule';
import type { SpanRecord } from '../../lib/core/types';
import type { BackgroundWorkOptions } from '../../lib/nest/background-work-options';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';

const WAIT_MS = 15_000;

/** Resolves once `count` runs were seen; the scheduled methods report to it. */
class RunCounter {
  runs = 0;
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];

  tick(): void {
    this.runs++;
    for (const waiter of this.waiters.filter((w) => this.runs >= w.count)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  reached(count: number): Promise<void> {
    if (this.runs >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

const cronRuns = new RunCounter();
const intervalRuns = new RunCounter();

@Injectable()
class Reports {
  @Trace('reports')
  async compile(): Promise<number> {
    return 42;
  }
}

@Injectable()
class Housekeeping {
  constructor(private readonly reports: Reports) {}

  @Cron('* * * * * *')
  async compileReports(): Promise<void> {
    await this.reports.compile();
    cronRuns.tick();
  }

  @Interval(200)
  sweepSessions(): void {
    intervalRuns.tick();
  }

  @Timeout('warm-cache', 50)
  warmCache(): void {}
}

async function boot(domain: string, background: BackgroundWorkOptions): Promise<INestApplicationContext> {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, traceFlushIntervalSeconds: 1, ...background }), ScheduleModule.forRoot()],
    providers: [Reports, Housekeeping],
  })
  class ScheduledAppModule {}
  const app = await NestFactory.createApplicationContext(ScheduledAppModule, { logger: false });
  await app.init();
  return app;
}

describe('scheduled work (@nestjs/schedule)', () => {
  let ingest: Awaited<ReturnType<typeof startTestIngest>>;

  before(async () => {
    ingest = await startTestIngest();
  });

  after(async () => {
    await ingest?.close();
  });

  const byOperation = (operation: string) => ingest.spans().filter((s: SpanRecord) => s.operation === operation);

  it('runs @Cron, @Interval and @Timeout methods as root spans, with @Trace calls nested under them', async () => {
    const app = await boot(ingest.domain, { schedule: { workflow: 'housekeeping' } });
    try {
      await ingest.waitFor(() => byOperation('Housekeeping.compileReports').length > 0 && byOperation('Reports.compile').length > 0, WAIT_MS);
      await ingest.waitFor(() => byOperation('Housekeeping.sweepSessions').length >= 2, WAIT_MS);
      await ingest.waitFor(() => byOperation('warm-cache').length === 1, WAIT_MS);
    } finally {
      await app.close();
    }
    for (const operation of ['Housekeeping.compileReports', 'Housekeeping.sweepSessions', 'warm-cache']) {
      for (const run of byOperation(operation)) {
        assert.equal(run.parent_span_id, null, `${operation} runs as a root span`);
        assert.equal(run.workflow, 'housekeeping');
        assert.equal(run.status, 'succeeded');
      }
    }
    const intervalTraces = new Set(byOperation('Housekeeping.sweepSessions').map((s) => s.trace_id));
    assert.equal(intervalTraces.size, byOperation('Housekeeping.sweepSessions').length, 'each run is its own trace');
    assert.equal(byOperation('Housekeeping.compileReports')[0]!.metadata?.schedule, 'cron');
    assert.equal(byOperation('Housekeeping.sweepSessions')[0]!.metadata?.schedule, 'interval');

    const compile = byOperation('Reports.compile')[0]!;
    const cron = ingest.spans().find((s: SpanRecord) => s.span_id === compile.parent_span_id);
    assert.equal(cron?.operation, 'Housekeeping.compileReports', '@Trace inside a cron run nests under it');
    assert.equal(cron?.trace_id, compile.trace_id);
  });

  it('records nothing for scheduled work when the option is off, while @Trace inside it still works', async () => {
    const scheduledBefore = byOperation('Housekeeping.compileReports').length + byOperation('Housekeeping.sweepSessions').length;
    const app = await boot(ingest.domain, { schedule: false });
    try {
      await Promise.all([intervalRuns.reached(intervalRuns.runs + 3), cronRuns.reached(cronRuns.runs + 1)]);
    } finally {
      await app.close();
    }
    // The cron's @Trace call is now a root of its own: it proves this app shipped its spans.
    await ingest.waitFor(() => byOperation('Reports.compile').some((s: SpanRecord) => s.parent_span_id === null), WAIT_MS);
    assert.equal(byOperation('Housekeeping.compileReports').length + byOperation('Housekeeping.sweepSessions').length, scheduledBefore);
  });
});

/**
 * The module runs the client with the app: several apps in one process each send to their own
 * ingest; with no API key the app serves, warns once and sends nothing; a bad key stops start-up
 * with a TeracronConfigError; app.close() returns within its deadline when the ingest hangs.
 */
import 'reflect-metadata';
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { newestRunningClient } from '../../lib/core/client-registry';
import { TeracronClient } from '../../lib/core/client';
import { TeracronConfigError } from '../../lib/core/config/config-error';
import type { TeracronModuleOptions } from '../../lib/nest/teracron-module-options';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { MISSING_API_KEY_WARNING } from '../../lib/nest/teracron.lifecycle';
import { Trace } from '../../lib/tracing/trace.decorator';
import { CapturedLogger, PLATFORMS, responseTraceIds, startNestApp, type RunningNestApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';

const WAIT_MS = 10_000;

@Injectable()
class GreetingService {
  @Trace('greeting')
  greet(name: string): string {
    return `hello ${name}`;
  }
}

@Controller('greet')
class GreetingController {
  constructor(private readonly greetings: GreetingService) {}

  @Get()
  greet(): string {
    return this.greetings.greet('world');
  }
}

function appModule(options: TeracronModuleOptions): new () => unknown {
  @Module({ imports: [TeracronModule.forRoot(options)], controllers: [GreetingController], providers: [GreetingService] })
  class LifecycleAppModule {}
  return LifecycleAppModule;
}

/** Runs with TERACRON_API_KEY absent from the environment, whatever the machine has. */
async function withoutApiKeyEnv<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env['TERACRON_API_KEY'];
  delete process.env['TERACRON_API_KEY'];
  try {
    return await fn();
  } finally {
    if (saved !== undefined) process.env['TERACRON_API_KEY'] = saved;
  }
}

for (const platform of PLATFORMS) {
  describe(`module lifecycle on ${platform}`, () => {
    const ingests: Array<Awaited<ReturnType<typeof startTestIngest>>> = [];
    const apps: RunningNestApp[] = [];

    const newIngest = async (): Promise<Awaited<ReturnType<typeof startTestIngest>>> => {
      const ingest = await startTestIngest();
      ingests.push(ingest);
      return ingest;
    };
    const newApp = async (options: TeracronModuleOptions, logger?: CapturedLogger): Promise<RunningNestApp> => {
      const running = await startNestApp(appModule(options), platform, { logger: logger ?? false });
      apps.push(running);
      return running;
    };

    afterEach(async () => {
      for (const app of apps.splice(0)) await app.close();
      for (const ingest of ingests.splice(0)) await ingest.close();
    });

    it('sends each app’s spans to its own client when two apps run in one process', async () => {
      const [first, second] = [await newIngest(), await newIngest()];
      const appA = await newApp({ apiKey: testApiKey(), domain: first.domain, traceFlushIntervalSeconds: 1 });
      const appB = await newApp({ apiKey: testApiKey(), domain: second.domain, traceFlushIntervalSeconds: 1 });
      const traceA = responseTraceIds(await fetch(`${appA.url}/greet`)).traceId;
      const traceB = responseTraceIds(await fetch(`${appB.url}/greet`)).traceId;
      await first.waitFor(() => first.spans().filter((s) => s.trace_id === traceA).length === 2, WAIT_MS);
      await second.waitFor(() => second.spans().filter((s) => s.trace_id === traceB).length === 2, WAIT_MS);
      await appA.app.get(TeracronClient).flush();
      await appB.app.get(TeracronClient).flush();
      assert.deepEqual(new Set(first.spans().map((s) => s.trace_id)), new Set([traceA]), 'app A’s ingest got app A’s trace only');
      assert.deepEqual(new Set(second.spans().map((s) => s.trace_id)), new Set([traceB]), 'app B’s ingest got app B’s trace only');

      await appB.close();
      assert.equal(newestRunningClient(), appA.app.get(TeracronClient), 'closing B leaves A running');
      await appA.close();
      assert.equal(newestRunningClient(), undefined, 'with both closed no client runs');
      const service = appA.app.get(GreetingService);
      assert.equal(service.greet('after close'), 'hello after close', '@Trace passes through with no client running');
    });

    it('serves requests with no API key, warns once and never calls the ingest', async () => {
      const ingest = await newIngest();
      const logger = new CapturedLogger();
      const running = await withoutApiKeyEnv(() => newApp({ domain: ingest.domain, traceFlushIntervalSeconds: 1 }, logger));
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${running.url}/greet`);
        assert.equal(response.status, 200);
        assert.equal(await response.text(), 'hello world');
        assert.equal(response.headers.get('x-teracron-trace'), null, 'the interceptor stepped aside');
      }
      assert.equal(running.app.get(TeracronClient).enabled, false);
      await running.app.get(TeracronClient).flush();
      await running.close();
      assert.deepEqual(logger.teracron('warn'), [MISSING_API_KEY_WARNING]);
      assert.match(MISSING_API_KEY_WARNING, /TERACRON_API_KEY/);
      assert.equal(ingest.requests().length, 0);
    });

    it('fails start-up with a TeracronConfigError for a malformed API key', async () => {
      await assert.rejects(
        () => newApp({ apiKey: 'tcn_this-is-not-a-key', traceFlushIntervalSeconds: 1 }),
        (error: unknown) => error instanceof TeracronConfigError && /API key|apiKey/i.test(error.message),
      );
    });

    it('fails start-up with a TeracronConfigError for a bad Nest-layer option', async () => {
      await assert.rejects(
        () => newApp({ apiKey: testApiKey(), workflow: '' }),
        (error: unknown) => error instanceof TeracronConfigError && /option workflow/.test(error.message),
      );
    });

    it('closes within the flush deadline when the ingest hangs', async () => {
      const ingest = await newIngest();
      const running = await newApp({ apiKey: testApiKey(), domain: ingest.domain, traceFlushIntervalSeconds: 300, timeoutSeconds: 2 });
      const response = await fetch(`${running.url}/greet`);
      assert.equal(response.status, 200);
      ingest.injectFaults({ hang: true, count: Infinity });
      const started = performance.now();
      await running.close();
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 2_000 + 1_000, `app.close() took ${Math.round(elapsed)} ms; the deadline is min(timeoutSeconds, 5) s = 2 s`);
    });
  });
}

/**
 * Where TeracronInterceptor is bound, read from Nest's own metadata on real apps: by default no
 * global interceptor at all (so Nest builds no interceptor pipeline around HTTP routes) and none
 * on the HTTP routes, while message handlers carry it; with `httpInterceptor: true` it is the
 * app's global interceptor, as before, and nothing is bound per method. The spans themselves are
 * the other suites' business, run in both modes (http-interceptor-mode.e2e.test.ts).
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, Module } from '@nestjs/common';
import { InterceptorsContextCreator } from '@nestjs/core/interceptors/interceptors-context-creator.js';
import type { ApplicationConfig, NestContainer } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import { interceptorsBoundTo, isClassBoundInterceptor } from '../../lib/nest/bound-interceptor';
import { TeracronInterceptor } from '../../lib/nest/teracron.interceptor';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { PLATFORMS, startNestApp, type RunningNestApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { testApiKey } from '../support/test-keys';

@Controller('orders')
class OrdersController {
  @Get(':id')
  find(): string {
    return 'order';
  }

  @MessagePattern('orders.count')
  count(): number {
    return 1;
  }
}

function appModule(domain: string, httpInterceptor: boolean | undefined) {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, traceFlushIntervalSeconds: 1, ...(httpInterceptor === undefined ? {} : { httpInterceptor }) })],
    controllers: [OrdersController],
  })
  class BindingModule {}
  return BindingModule;
}

interface NestInternals {
  config: ApplicationConfig;
  container: NestContainer;
}

/** Nest's global interceptors (the app's ApplicationConfig); a global enhancer whose factory gave nothing is null there and skipped by Nest. */
function globalInterceptorsOf(running: RunningNestApp): readonly unknown[] {
  return (running.app as unknown as NestInternals).config.getGlobalInterceptors().filter((interceptor) => interceptor !== null && interceptor !== undefined);
}

/** What Nest's own InterceptorsContextCreator gives a handler of OrdersController: the interceptors it wraps around that handler. */
function interceptorsAround(running: RunningNestApp, method: 'find' | 'count'): unknown[] {
  const { config, container } = running.app as unknown as NestInternals;
  const moduleKey = [...container.getModules()].find(([, module]) => module.controllers.has(OrdersController))![0];
  const instance = running.app.get(OrdersController);
  return new InterceptorsContextCreator(container, config).create(instance, instance[method] as never, moduleKey);
}

for (const platform of PLATFORMS) {
  describe(`interceptor binding on ${platform}`, () => {
    let ingest: IngestServer;
    before(async () => {
      ingest = await startTestIngest();
    });
    after(async () => {
      await ingest?.close();
    });

    it('by default binds no global interceptor and none to HTTP routes; message handlers carry it', async () => {
      const running = await startNestApp(appModule(ingest.domain, undefined), platform);
      try {
        assert.deepEqual(globalInterceptorsOf(running), []);
        assert.deepEqual(interceptorsAround(running, 'find'), [], 'Nest wraps no interceptor around the HTTP route');
        assert.equal(interceptorsAround(running, 'count').length, 1, 'the message handler gets the bound interceptor');
        assert.deepEqual(interceptorsBoundTo(OrdersController), []);
        assert.deepEqual(interceptorsBoundTo(OrdersController.prototype.find), []);
        assert.equal(interceptorsBoundTo(OrdersController.prototype.count).filter(isClassBoundInterceptor).length, 1);
        // The route still answers, with its span.
        const response = await fetch(`${running.url}/orders/7`);
        assert.equal(await response.text(), 'order');
        assert.match(response.headers.get('x-teracron-trace') ?? '', /^[0-9a-f]{32}/);
      } finally {
        await running.close();
      }
    });

    it('with httpInterceptor: true makes TeracronInterceptor the global interceptor, as before', async () => {
      const running = await startNestApp(appModule(ingest.domain, true), platform);
      try {
        const globals = globalInterceptorsOf(running);
        assert.equal(globals.length, 1);
        assert.ok(globals[0] instanceof TeracronInterceptor);
        assert.deepEqual(interceptorsAround(running, 'find'), [globals[0]]);
        assert.deepEqual(interceptorsBoundTo(OrdersController.prototype.find), []);
      } finally {
        await running.close();
      }
    });
  });
}

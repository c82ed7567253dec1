/**
 * The benchmarked app: GET /ping and GET /work (controller → three nested async service calls),
 * built for one variant (env BENCH_VARIANT) on one Nest (http-app-main). Started by bench/run.ts as a child process; it
 * reports its port and, on request, its CPU time.
 */
import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Controller, Get, Injectable, Module, type CallHandler, type ExecutionContext, type NestInterceptor, type NestMiddleware, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { trace } from '@opentelemetry/api';
import { TeracronClient } from '../lib/core/client';
import { TeracronModule } from '../lib/nest/teracron.module';
import { Trace } from '../lib/tracing/trace.decorator';
import type { AppMessage, HttpVariant, SpanCounts } from './variants';

const variant = (process.env.BENCH_VARIANT ?? 'bare') as HttpVariant;
const tick = () => Promise.resolve();

abstract class Work {
  abstract run(n: number): Promise<number>;
}

@Injectable()
class PlainWork extends Work {
  async run(n: number) {
    return this.step1(n);
  }
  async step1(n: number): Promise<number> {
    await tick();
    return this.step2(n + 1);
  }
  async step2(n: number): Promise<number> {
    await tick();
    return this.step3(n + 1);
  }
  async step3(n: number): Promise<number> {
    await tick();
    return n + 1;
  }
}

@Injectable()
class TracedWork extends Work {
  async run(n: number) {
    return this.step1(n);
  }
  @Trace('bench')
  async step1(n: number): Promise<number> {
    await tick();
    return this.step2(n + 1);
  }
  @Trace('bench')
  async step2(n: number): Promise<number> {
    await tick();
    return this.step3(n + 1);
  }
  @Trace('bench')
  async step3(n: number): Promise<number> {
    await tick();
    return n + 1;
  }
}

const otelTracer = trace.getTracer('bench');
function otelSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return otelTracer.startActiveSpan(name, async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}

@Injectable()
class OtelWork extends Work {
  async run(n: number) {
    return this.step1(n);
  }
  step1(n: number): Promise<number> {
    return otelSpan('step1', async () => {
      await tick();
      return this.step2(n + 1);
    });
  }
  step2(n: number): Promise<number> {
    return otelSpan('step2', async () => {
      await tick();
      return this.step3(n + 1);
    });
  }
  step3(n: number): Promise<number> {
    return otelSpan('step3', async () => {
      await tick();
      return n + 1;
    });
  }
}

@Controller()
class BenchController {
  constructor(private readonly work: Work) {}

  @Get('ping')
  ping() {
    return 'pong';
  }

  @Get('work')
  async doWork() {
    return { result: await this.work.run(1) };
  }
}

@Injectable()
class PassThroughInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler) {
    return next.handle();
  }
}

const storage = new AsyncLocalStorage<{ id: number }>();
let requestId = 0;
class AlsMiddleware implements NestMiddleware {
  use(_req: unknown, _res: unknown, next: () => void) {
    storage.run({ id: requestId++ }, next);
  }
}

function moduleFor(v: HttpVariant) {
  const traced = v === 'teracron' || v === 'teracron-all' || v === 'teracron-interceptor';
  const work = traced ? TracedWork : v === 'otel' ? OtelWork : PlainWork;
  const imports = traced
    ? [
        TeracronModule.forRoot({
          apiKey: process.env.TERACRON_API_KEY,
          domain: process.env.TERACRON_DOMAIN,
          httpInterceptor: v === 'teracron-interceptor',
          traceAdaptiveSampling: v !== 'teracron-all',
          logger: { debug() {}, warn() {}, error() {} },
        }),
      ]
    : [];
  const withInterceptor = v === 'interceptor';
  const withAls = v === 'als';
  const providers = [{ provide: Work, useClass: work }, ...(withInterceptor ? [{ provide: APP_INTERCEPTOR, useClass: PassThroughInterceptor }] : [])];
  @Module({ imports, controllers: [BenchController], providers })
  class BenchModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      if (withAls) consumer.apply(AlsMiddleware).forRoutes('*');
    }
  }
  return BenchModule;
}

async function main() {
  const app = await NestFactory.create(moduleFor(variant), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const send = (message: AppMessage) => process.send?.(message);
  const client = variant === 'teracron' || variant === 'teracron-all' || variant === 'teracron-interceptor' ? app.get(TeracronClient) : undefined;
  const spanCounts = (): SpanCounts | undefined => {
    const spans = client?.stats().spans;
    return spans && { sent: spans.sent, dropped: spans.droppedTotal };
  };
  // Sampled only while this app's slice of load runs: an idle app (the others' slices) wakes for nothing.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  process.on('message', (message: string) => {
    const cpu = () => process.cpuUsage();
    if (message === 'begin') {
      delay.reset();
      delay.enable();
      const { user, system } = cpu();
      send({ type: 'cpu', userMicros: user, systemMicros: system, delayP99Ms: 0, delayMaxMs: 0, spans: spanCounts() });
    } else if (message === 'end') {
      const { user, system } = cpu();
      delay.disable();
      send({ type: 'cpu', userMicros: user, systemMicros: system, delayP99Ms: delay.percentile(99) / 1e6, delayMaxMs: delay.max / 1e6, spans: spanCounts() });
    } else if (message === 'stop') {
      void app.close().then(() => process.exit(0));
    }
  });
  send({ type: 'ready', port, nest: (require('@nestjs/core/package.json') as { version: string }).version });
}

void main();

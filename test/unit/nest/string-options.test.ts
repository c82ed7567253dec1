/**
 * Options the README says may be strings (numbers and booleans, as ConfigService and the env
 * hold them) type-check as strings, for forRoot and for a forRootAsync factory, and are parsed
 * like the env vars. This file is the compile-time test: `npm run build:test` fails if the
 * option types stop accepting `config.get<string>()` results, or start accepting anything.
 */
import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Module, type Type } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { TeracronClient } from '../../../lib/core/client';
import { TeracronModule } from '../../../lib/nest/teracron.module';
import type { TeracronModuleOptions } from '../../../lib/nest/teracron-module-options';

const FROM_CONFIG = {
  TERACRON_INTERVAL: '7',
  TERACRON_MAX_BUFFER: '20',
  TERACRON_FLUSH_DEADLINE: '30',
  TERACRON_TIMEOUT: '4',
  TERACRON_TARGET_PID: String(process.pid),
  TERACRON_TRACE_BATCH_SIZE: '50',
  TERACRON_TRACE_FLUSH_INTERVAL: '2',
  TERACRON_TRACE_SAMPLE_RATE: '0.5',
  TERACRON_TRACE_EMIT_EVENTS: 'yes',
  TERACRON_TRACING_ENABLED: 'on',
  TERACRON_DEBUG: 'false',
  TERACRON_ALLOW_CUSTOM_DOMAIN: '0',
};

/** Every string-capable option, straight from ConfigService.get<string>() (string | undefined). */
function optionsFrom(config: ConfigService): TeracronModuleOptions {
  return {
    intervalSeconds: config.get<string>('TERACRON_INTERVAL'),
    maxBufferSize: config.get<string>('TERACRON_MAX_BUFFER'),
    flushDeadlineSeconds: config.get<string>('TERACRON_FLUSH_DEADLINE'),
    timeoutSeconds: config.get<string>('TERACRON_TIMEOUT'),
    targetPid: config.get<string>('TERACRON_TARGET_PID'),
    traceBatchSize: config.get<string>('TERACRON_TRACE_BATCH_SIZE'),
    traceFlushIntervalSeconds: config.get<string>('TERACRON_TRACE_FLUSH_INTERVAL'),
    traceSampleRate: config.get<string>('TERACRON_TRACE_SAMPLE_RATE'),
    traceEmitEvents: config.get<string>('TERACRON_TRACE_EMIT_EVENTS'),
    tracingEnabled: config.get<string>('TERACRON_TRACING_ENABLED'),
    debug: config.get<string>('TERACRON_DEBUG'),
    allowCustomDomain: config.get<string>('TERACRON_ALLOW_CUSTOM_DOMAIN'),
  };
}

// The types still refuse what is neither the option's type nor a string.
// @ts-expect-error a Date is not a number option
const refusedNumber: TeracronModuleOptions = { intervalSeconds: new Date() };
// @ts-expect-error an object is not a boolean option
const refusedBoolean: TeracronModuleOptions = { debug: { on: true } };
void refusedNumber;
void refusedBoolean;

async function resolvedConfigOf(rootModule: Type<unknown>): Promise<TeracronClient['config']> {
  const app = await NestFactory.createApplicationContext(rootModule, { logger: false, abortOnError: false });
  try {
    return app.get(TeracronClient).config;
  } finally {
    await app.close();
  }
}

function assertParsed(config: TeracronClient['config']): void {
  assert.equal(config.intervalSeconds, 7);
  assert.equal(config.maxBufferSize, 20);
  assert.equal(config.flushDeadlineSeconds, 30);
  assert.equal(config.timeoutSeconds, 4);
  assert.equal(config.targetPid, process.pid);
  assert.equal(config.traceBatchSize, 50);
  assert.equal(config.traceFlushIntervalSeconds, 2);
  assert.equal(config.traceSampleRate, 0.5);
  assert.equal(config.traceEmitEvents, true);
  assert.equal(config.tracingEnabled, true);
  assert.equal(config.debug, false);
  assert.equal(config.allowCustomDomain, false);
}

describe('options given as strings', () => {
  it('forRootAsync takes ConfigService.get<string>() results and parses them like the env vars', async () => {
    @Module({
      imports: [
        TeracronModule.forRootAsync({
          imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => FROM_CONFIG] })],
          inject: [ConfigService],
          useFactory: optionsFrom,
        }),
      ],
    })
    class AsyncModule {}
    assertParsed(await resolvedConfigOf(AsyncModule));
  });

  it('forRoot takes the same strings', async () => {
    const config = new ConfigService(FROM_CONFIG);
    @Module({ imports: [TeracronModule.forRoot(optionsFrom(config))] })
    class SyncModule {}
    assertParsed(await resolvedConfigOf(SyncModule));
  });
});

/**
 * A typo in the module's options (`excludes` for `exclude`) is not ignored in silence: one warning
 * per unknown key, from forRoot and from a forRootAsync factory, naming the closest valid key and
 * never the value. Valid options, `isGlobal` included, give no such warning.
 */
import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { createTeracronClient } from '../../lib/core/client';
import { TeracronModule } from '../../lib/nest/teracron.module';
import type { TeracronModuleOptions } from '../../lib/nest/teracron-module-options';
import { CapturedLogger } from '../support/nest-apps';

const SECRET_VALUE = 'do-not-print-this-value';

async function warningsOf(moduleImport: ReturnType<typeof TeracronModule.forRoot>): Promise<string[]> {
  @Module({ imports: [moduleImport] })
  class AppModule {}
  const logger = new CapturedLogger();
  const testing = await Test.createTestingModule({ imports: [AppModule] }).setLogger(logger).compile();
  await testing.close();
  return logger.teracron('warn').filter((line) => line.startsWith('Unknown Teracron option'));
}

describe('unknown option keys', () => {
  it('forRoot warns once per unknown key and names the closest valid key, never the value', async () => {
    const options = { tracesampleRate: SECRET_VALUE, excludes: ['/health'] } as unknown as TeracronModuleOptions;
    const warnings = await warningsOf(TeracronModule.forRoot(options));
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /'tracesampleRate'.*Did you mean 'traceSampleRate'\?/);
    assert.match(warnings[1]!, /'excludes'.*Did you mean 'exclude'\?/);
    assert.ok(!warnings.join('\n').includes(SECRET_VALUE));
  });

  it('a forRootAsync factory result with a typo is warned about', async () => {
    const warnings = await warningsOf(
      TeracronModule.forRootAsync({
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ TERACRON_TRACE_SAMPLE_RATE: '0.5' })] })],
        inject: [ConfigService],
        useFactory: (config: ConfigService) =>
          ({ traceSampleRate: Number(config.get('TERACRON_TRACE_SAMPLE_RATE')), excludes: ['/health'] }) as unknown as TeracronModuleOptions,
      }),
    );
    assert.deepEqual(warnings, ["Unknown Teracron option 'excludes' in TeracronModule.forRoot / forRootAsync options: it is ignored. Did you mean 'exclude'?"]);
  });

  it('every documented option, isGlobal included, gives no warning', async () => {
    const options: TeracronModuleOptions & { isGlobal: boolean } = {
      isGlobal: true,
      workflow: 'http',
      exclude: ['/health'],
      propagateTo: ['.internal'],
      schedule: false,
      events: { workflow: 'events' },
      traceSampleRate: 1,
      debug: false,
    };
    assert.deepEqual(await warningsOf(TeracronModule.forRoot(options)), []);
  });

  it('the framework-free client warns about an unknown key too', () => {
    const lines: string[] = [];
    const logger = { debug() {}, warn: (line: string) => lines.push(line), error() {} };
    createTeracronClient({ apiKye: SECRET_VALUE, logger } as never, { env: {} });
    assert.deepEqual(lines, ["Unknown Teracron option 'apiKye' in the client options: it is ignored. Did you mean 'apiKey'?"]);
  });
});

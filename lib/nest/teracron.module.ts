/**
 * TeracronModule: the Nest door onto the framework-free client, tracer and request spans. It adds
 * the providers of teracron-providers to what ConfigurableModuleBuilder generates (forRoot,
 * forRootAsync, the options token, `isGlobal`); the lifecycle provider runs the client with the app.
 */
import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TeracronClient } from '../core/client';
import { TeracronTracer } from '../tracing/tracer';
import { ASYNC_OPTIONS_TYPE, ConfigurableModuleClass, OPTIONS_TYPE } from './teracron.module-definition';
import { TERACRON_MODULE_OPTIONS } from './teracron.constants';
import { TERACRON_PROVIDERS } from './teracron-providers';

@Module({
  imports: [DiscoveryModule],
  providers: TERACRON_PROVIDERS,
  exports: [TeracronClient, TeracronTracer, TERACRON_MODULE_OPTIONS],
})
export class TeracronModule extends ConfigurableModuleClass {
  /** `forRoot()` with no options reads everything from the environment (TERACRON_API_KEY, …). */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }
}

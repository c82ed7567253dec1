/**
 * TeracronTestingModule: TeracronModule with its export replaced by memory. Everything else is
 * the production module (request spans, the interceptor, @Trace, message and background-work
 * integrations, outbound propagation, the TeracronScrubber provider), so a test sees the spans
 * the app would send. Inject TeracronRecorder to read them.
 */
import type { DynamicModule, Provider } from '@nestjs/common';
import { TeracronClient } from '../core/client';
// The Nest layer this module builds on, imported here only.
import { TeracronModule } from '../nest/teracron.module';
import { TERACRON_MODULE_OPTIONS, TERACRON_SCRUBBER_SLOT } from '../nest/teracron.constants';
import type { TeracronModuleOptions } from '../nest/teracron-module-options';
import { clientOptionsOf } from '../nest/teracron-providers';
import type { ScrubberSlot } from '../nest/teracron-scrubber';
import { RecordingTeracronClient } from './recording-client';
import { TeracronRecorder } from './span-recorder';

export class TeracronTestingModule {
  /**
   * The module's options as in production (sampling, capture, scrubber, workflow, exclude, …);
   * keys and domains are ignored and no env var is read. Global by default, like TeracronModule.
   */
  static forRoot(options: Parameters<typeof TeracronModule.forRoot>[0] = {}): DynamicModule {
    return recording(TeracronModule.forRoot(options));
  }

  /** The same `forRootAsync` definition the app uses (useFactory, useClass or useExisting). */
  static forRootAsync(options: Parameters<typeof TeracronModule.forRootAsync>[0]): DynamicModule {
    return recording(TeracronModule.forRootAsync(options));
  }
}

/**
 * The production module with its client replaced: the same providers, plus the recorder. The
 * module's own providers are declared on its class; Nest registers a dynamic module's providers
 * after those, so this client provider is the one the app gets.
 */
function recording(production: DynamicModule): DynamicModule {
  const recorderProvider: Provider = { provide: TeracronRecorder, useFactory: () => new TeracronRecorder() };
  const clientProvider: Provider = {
    provide: TeracronClient,
    useFactory: (given: TeracronModuleOptions | undefined, slot: ScrubberSlot | null, recorder: TeracronRecorder) =>
      new RecordingTeracronClient(clientOptionsOf(given, slot), recorder),
    inject: [TERACRON_MODULE_OPTIONS, TERACRON_SCRUBBER_SLOT, TeracronRecorder],
  };
  return {
    ...production,
    providers: [...(production.providers ?? []), recorderProvider, clientProvider],
    exports: [...(production.exports ?? []), TeracronRecorder],
  };
}

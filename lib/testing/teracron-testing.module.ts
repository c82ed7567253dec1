/**
 * TeracronTestingModule: TeracronModule with its export replaced by memory. Everything else is
 * the production module (request spans, the interceptor, @Trace, message and background-work
 * integrations, outbound propagation, the TERACRON_SCRUBBER provider), so a test sees the spans
 * the app would send. Inject TeracronRecorder to read them.
 */
import type { DynamicModule, Provider } from '@nestjs/common';
import { TeracronClient } from '../core/client';
// The Nest layer this module builds on, imported here only.
import { TeracronModule } from '../nest/teracron.module';
import { MODULE_OPTIONS_TOKEN } from '../nest/teracron.module-definition';
import type { TeracronModuleOptions } from '../nest/teracron-module-options';
import { clientOptionsOf, TERACRON_SCRUBBER_SLOT } from '../nest/teracron-providers';
import type { ScrubberSlot } from '../nest/scrubber-slot';
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

/** The production module with its client replaced: the same providers, plus the recorder. */
function recording(production: DynamicModule): DynamicModule {
  const recorderProvider: Provider = { provide: TeracronRecorder, useFactory: () => new TeracronRecorder() };
  const clientProvider: Provider = {
    provide: TeracronClient,
    useFactory: (given: TeracronModuleOptions | undefined, slot: ScrubberSlot | null, recorder: TeracronRecorder) =>
      new RecordingTeracronClient(clientOptionsOf(given, slot), recorder),
    inject: [MODULE_OPTIONS_TOKEN, TERACRON_SCRUBBER_SLOT, TeracronRecorder],
  };
  return {
    ...production,
    providers: [...(production.providers ?? []).filter((provider) => !provides(provider, TeracronClient)), recorderProvider, clientProvider],
    exports: [...(production.exports ?? []), TeracronRecorder],
  };
}

function provides(provider: Provider, token: unknown): boolean {
  return provider === token || (typeof provider === 'object' && provider !== null && 'provide' in provider && provider.provide === token);
}

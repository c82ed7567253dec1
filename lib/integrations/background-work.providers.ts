/**
 * What the Teracron module registers for background work. The module also imports Nest's
 * DiscoveryModule (for DiscoveryService and MetadataScanner).
 */
import type { InjectionToken, Provider } from '@nestjs/common';
import { resolveBackgroundWork, type BackgroundWorkOptions } from './background-work-options';
import { BackgroundWorkExplorer } from './background-work.explorer';
import { TERACRON_BACKGROUND_SINK, TERACRON_BACKGROUND_WORK } from './background-work.tokens';

/**
 * @param moduleOptionsToken the token of the module's options (they carry `schedule` and `events`)
 * @param sinkToken the token of the app's TeracronClient, so spans go to this app's client
 */
export function backgroundWorkProviders(moduleOptionsToken: InjectionToken, sinkToken?: InjectionToken): Provider[] {
  return [
    {
      provide: TERACRON_BACKGROUND_WORK,
      useFactory: (options: BackgroundWorkOptions | undefined) => resolveBackgroundWork(options),
      inject: [moduleOptionsToken],
    },
    ...(sinkToken ? [{ provide: TERACRON_BACKGROUND_SINK, useExisting: sinkToken }] : []),
    BackgroundWorkExplorer,
  ];
}

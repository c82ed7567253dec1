/**
 * Finds a TERACRON_SCRUBBER the user registered in any module of this app. Presence is known as
 * soon as the app is scanned (before anything is built); the instance only once all are built.
 */
import type { ModuleRef, ModulesContainer } from '@nestjs/core';
import { TERACRON_SCRUBBER } from './teracron.constants';

export function isScrubberProvided(modules: ModulesContainer): boolean {
  for (const module of modules.values()) {
    if (module.providers.has(TERACRON_SCRUBBER)) return true;
  }
  return false;
}

export function providedScrubber(moduleRef: ModuleRef): unknown {
  return moduleRef.get(TERACRON_SCRUBBER, { strict: false });
}

/**
 * The user's TeracronScrubber provider, found in any module of the app. The client is a provider
 * that other providers inject, so it is built early; a scrubber class with its own dependencies
 * may live in another module and be built later. The slot is the function the client holds; the
 * lifecycle binds the user's scrubber at bootstrap, before the client starts. Until then the slot
 * drops the data: it is never sent unscrubbed. Presence is known as soon as the app is scanned.
 */
import type { ModuleRef, ModulesContainer } from '@nestjs/core';
import { TeracronConfigError } from '../core/config/config-error';
import type { TracingScrubber } from '../core/config/options';
import { TeracronScrubber } from './teracron.constants';

export function isScrubberProvided(modules: ModulesContainer): boolean {
  for (const module of modules.values()) {
    if (module.providers.has(TeracronScrubber)) return true;
  }
  return false;
}

export function providedScrubber(moduleRef: ModuleRef): unknown {
  return moduleRef.get(TeracronScrubber, { strict: false });
}

export class ScrubberSlot {
  private current: TracingScrubber | undefined;

  /** What the client calls. */
  readonly scrub: TracingScrubber = (data, field) => (this.current === undefined ? null : this.current(data, field));

  /** Binds what the user provided as TeracronScrubber: a function, or an object with `scrub(data, field)`. */
  bind(provided: unknown): void {
    this.current = toScrubberFunction(provided);
  }
}

export function toScrubberFunction(provided: unknown): TracingScrubber {
  if (typeof provided === 'function') return provided as TracingScrubber;
  if (provided !== null && typeof provided === 'object' && typeof (provided as { scrub?: unknown }).scrub === 'function') {
    const scrubber = provided as { scrub: TracingScrubber };
    return (data, field) => scrubber.scrub(data, field);
  }
  throw new TeracronConfigError(
    'Invalid TeracronScrubber provider: expected a function (data, field) => object, or an instance with a scrub(data, field) method (useValue, useFactory or useClass).',
  );
}

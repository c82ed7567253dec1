/**
 * The scrubber token. A user provides it in any module (value, factory, or a class with its
 * own injected dependencies); the module finds it at bootstrap. It wins over `tracingScrubber`.
 */
import { Inject } from '@nestjs/common';
import type { TracingScrubber } from '../core/config/options';

export const TERACRON_SCRUBBER = Symbol('TERACRON_SCRUBBER');

/** A class provided as TERACRON_SCRUBBER implements this; a plain `TracingScrubber` function also works. */
export interface TeracronScrubber {
  scrub: TracingScrubber;
}

/** Injects whatever was provided as TERACRON_SCRUBBER (for tests that want to check it). */
export const InjectTeracronScrubber = (): PropertyDecorator & ParameterDecorator => Inject(TERACRON_SCRUBBER);

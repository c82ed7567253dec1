/**
 * Every injection token of the Nest layer, and the scrubber extension point: an interface with a
 * same-named token and an `InjectTeracronScrubber()` helper (as @nestjs/throttler does for its storage).
 */
import { Inject } from '@nestjs/common';
import type { TracingScrubber } from '../core/config/options';
import { MODULE_OPTIONS_TOKEN } from './teracron.module-definition';

/**
 * Your scrubber, provided in any module as `{ provide: TeracronScrubber, useClass | useValue | useFactory }`:
 * an object with `scrub(data, field)`, or a plain `TracingScrubber` function. It wins over the
 * `tracingScrubber` option. The module finds it at bootstrap, so it may have dependencies of its own.
 */
export interface TeracronScrubber {
  scrub: TracingScrubber;
}
export const TeracronScrubber = Symbol('TeracronScrubber');

/** Injects whatever was provided as TeracronScrubber. */
export const InjectTeracronScrubber = (): PropertyDecorator & ParameterDecorator => Inject(TeracronScrubber);

/** The module's options as given to forRoot / returned by forRootAsync's factory. */
export const TERACRON_MODULE_OPTIONS = MODULE_OPTIONS_TOKEN;

/** The Nest layer's resolved options (NestLayerOptions). */
export const TERACRON_NEST_LAYER = Symbol('TERACRON_NEST_LAYER');

/** The app's ScrubberSlot, or null when no TeracronScrubber is provided anywhere. */
export const TERACRON_SCRUBBER_SLOT = Symbol('TERACRON_SCRUBBER_SLOT');

/** The app's HttpRequestSpans: the one owner of its HTTP request spans. */
export const TERACRON_HTTP_SPANS = Symbol('TERACRON_HTTP_SPANS');

/** The `schedule` / `events` options, resolved (ResolvedBackgroundWork). */
export const TERACRON_BACKGROUND_WORK = Symbol('TERACRON_BACKGROUND_WORK');

/** Workflows of message spans; HTTP requests use the `workflow` option. */
export const RPC_WORKFLOW = 'rpc';
export const WS_WORKFLOW = 'ws';

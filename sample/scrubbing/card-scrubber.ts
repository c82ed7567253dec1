/**
 * The sample's scrubber, provided as TeracronScrubber: a class with an injected dependency
 * (the policy of which keys never leave the process). It sees a copy of each span's metadata
 * and captured params before anything is queued.
 */
import { Injectable } from '@nestjs/common';
import type { TeracronScrubber } from '../../lib/index';

@Injectable()
export class ScrubPolicy {
  readonly forbiddenKeys = new Set(['card_number', 'cvv', 'email']);
}

@Injectable()
export class CardScrubber implements TeracronScrubber {
  constructor(private readonly policy: ScrubPolicy) {}

  scrub = (data: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(data).filter(([key]) => !this.policy.forbiddenKeys.has(key)));
}

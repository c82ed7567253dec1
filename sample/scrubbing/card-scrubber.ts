/**
 * The sample's scrubber, provided as TeracronScrubber: a class with an injected dependency
 * (the policy of which keys never leave the process). It sees a copy of every user value before
 * anything is queued, one field at a time: span metadata, captured params (objects as copies,
 * nested keys included), event metadata, and errors ({ type, message }, left as they are here).
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

  scrub = (data: Record<string, unknown>): Record<string, unknown> => this.withoutForbidden(data) as Record<string, unknown>;

  private withoutForbidden(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.withoutForbidden(item));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !this.policy.forbiddenKeys.has(key))
        .map(([key, item]) => [key, this.withoutForbidden(item)]),
    );
  }
}

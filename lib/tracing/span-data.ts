/**
 * A span's metadata and captured params on their way out: sanitised, then shown to the user's
 * scrubber (our own copy, never the caller's object), then sanitised again. A scrubber that
 * throws or returns a non-object drops that field: nothing unscrubbed is ever sent.
 */
import type { TracingScrubber } from '../core/config/options';
import type { FlatRecord } from '../core/types';
import { sanitizeCaptured, sanitizeMetadata } from './sanitize';

function scrub(data: FlatRecord | null, field: 'metadata' | 'captured_params', scrubber: TracingScrubber | undefined): Record<string, unknown> | null {
  if (data === null || scrubber === undefined) return data;
  try {
    const result = scrubber(data, field);
    return result !== null && typeof result === 'object' && !Array.isArray(result) ? result : null;
  } catch {
    return null;
  }
}

export function scrubbedMetadata(raw: Record<string, unknown> | null, scrubber: TracingScrubber | undefined): FlatRecord | null {
  if (raw === null) return null;
  const clean = sanitizeMetadata(raw);
  return scrubber === undefined ? clean : sanitizeMetadata(scrub(clean, 'metadata', scrubber));
}

export function scrubbedCaptured(raw: Record<string, unknown> | null, scrubber: TracingScrubber | undefined): FlatRecord | null {
  if (raw === null) return null;
  const clean = sanitizeCaptured(raw);
  return scrubber === undefined ? clean : sanitizeCaptured(scrub(clean, 'captured_params', scrubber));
}

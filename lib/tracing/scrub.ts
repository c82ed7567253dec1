/**
 * Everything a user supplied, on its way out of the process: sanitised, shown to the user's
 * scrubber (always our own copy, never the caller's object), then sanitised again. The scrubber
 * is called once per field, with the field's name:
 * - `metadata`: a span's metadata (strings, numbers, booleans);
 * - `captured_params`: captured parameters as plain data (objects and arrays as copies, before
 *   they are turned into their short string form), so nested keys can be removed;
 * - `event_metadata`: the metadata of a workflow event (`emitEvent(type, { metadata })`);
 * - `error`: `{ type, message }` of a failed span or an event's error.
 * `null` or `undefined` from the scrubber drops the field. Anything else that is not a readable
 * object (it threw, returned a string, an array, a Promise, a Proxy whose traps throw) drops the
 * field too, and the client counts it (`stats().scrubber.failures`) and warns once. The span or
 * event itself is always kept.
 */
import { types } from 'node:util';
import type { TracingScrubberField } from '../core/config/options';
import type { ScrubberFailure, TraceSink } from '../core/trace-sink';
import type { FlatRecord } from '../core/types';
import { capturedForScrubber, MAX_EVENT_METADATA_KEYS, sanitizeCaptured, sanitizeMetadata, type ErrorFields } from './sanitize';

type Scrubbed = Record<string, unknown> | null;

/** The scrubber's result as a plain copy, read once; a string names why it cannot be used. */
function readResult(result: unknown): Scrubbed | ScrubberFailure {
  if (result === null || result === undefined) return null;
  try {
    if (typeof result !== 'object' || Array.isArray(result)) return 'returned a non-object';
    if (types.isPromise(result)) return 'returned a Promise (a scrubber must be synchronous)';
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(result)) copy[key] = (result as Record<string, unknown>)[key];
    return copy;
  } catch {
    return 'returned an object that throws when read';
  }
}

function scrub(sink: TraceSink, data: Record<string, unknown>, field: TracingScrubberField): Scrubbed {
  const scrubber = sink.tracing.scrubber!;
  let outcome: Scrubbed | ScrubberFailure;
  try {
    outcome = readResult(scrubber(data, field));
  } catch {
    outcome = 'threw';
  }
  if (typeof outcome !== 'string') return outcome;
  sink.countScrubberFailure(field, outcome);
  return null;
}

export function scrubbedMetadata(sink: TraceSink, raw: Record<string, unknown> | null): FlatRecord | null {
  if (raw === null) return null;
  const clean = sanitizeMetadata(raw);
  if (clean === null || sink.tracing.scrubber === undefined) return clean;
  return sanitizeMetadata(scrub(sink, clean, 'metadata'));
}

export function scrubbedEventMetadata(sink: TraceSink, raw: Record<string, unknown> | undefined): FlatRecord | null {
  const clean = sanitizeMetadata(raw, MAX_EVENT_METADATA_KEYS);
  if (clean === null || sink.tracing.scrubber === undefined) return clean;
  return sanitizeMetadata(scrub(sink, clean, 'event_metadata'), MAX_EVENT_METADATA_KEYS);
}

export function scrubbedCaptured(sink: TraceSink, raw: Record<string, unknown> | null): FlatRecord | null {
  if (raw === null) return null;
  if (sink.tracing.scrubber === undefined) return sanitizeCaptured(raw);
  const values = capturedForScrubber(raw);
  return values === null ? null : sanitizeCaptured(scrub(sink, values, 'captured_params'));
}

/** The error fields as the scrubber leaves them; undefined when it dropped them (the span still fails). */
export function scrubbedError(sink: TraceSink, fields: ErrorFields): ErrorFields | undefined {
  if (sink.tracing.scrubber === undefined || fields.message === '') return fields;
  const result = scrub(sink, { type: fields.type, message: fields.message }, 'error');
  if (result === null) return undefined;
  return {
    type: typeof result.type === 'string' && result.type !== '' ? result.type : fields.type,
    message: typeof result.message === 'string' ? result.message : '',
  };
}

/**
 * Client-side sanitising of PROTOCOL.md §6, so nothing we send fails the server's validation:
 * lengths in UTF-16 units (never splitting a surrogate pair), at most 32 keys, primitives only in
 * metadata, finite numbers only, and a never-throwing short string form for captured objects.
 */
import { types } from 'node:util';
import type { FlatRecord, Primitive } from '../core/types';

export const MAX_KEYS = 32;
export const MAX_EVENT_METADATA_KEYS = 16;
export const MAX_KEY_LENGTH = 128;
export const METADATA_STRING_MAX = 1024;
export const CAPTURED_STRING_MAX = 512;
export const SPAN_ERROR_MESSAGE_MAX = 1024;
export const EVENT_ERROR_MESSAGE_MAX = 512;
export const WORKFLOW_MAX = 128;
export const OPERATION_MAX = 256;

/** Cuts to `max` UTF-16 units without leaving half of a surrogate pair at the end. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

function isValidKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_KEY_LENGTH;
}

function primitiveOf(value: unknown, stringMax: number): Primitive | undefined {
  switch (typeof value) {
    case 'string':
      return cutText(value, stringMax);
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return value;
    default:
      return undefined;
  }
}

/** The first `maxKeys` valid keys of `data`, each value converted (undefined: the key is left out); empty → null. */
function sanitizeRecord<V>(data: Record<string, unknown> | null | undefined, maxKeys: number, convert: (value: unknown) => V | undefined): Record<string, V> | null {
  if (data === null || data === undefined || typeof data !== 'object') return null;
  const out: Record<string, V> = {};
  let count = 0;
  for (const key of Object.keys(data)) {
    if (count >= maxKeys) break;
    if (!isValidKey(key)) continue;
    let value: unknown;
    try {
      value = data[key];
    } catch {
      continue;
    }
    const converted = convert(value);
    if (converted === undefined) continue;
    out[key] = converted;
    count++;
  }
  return count === 0 ? null : out;
}

const metadataValue = (value: unknown) => primitiveOf(value, METADATA_STRING_MAX);

function capturedValue(value: unknown): Primitive | undefined {
  // undefined is an argument not given; a non-finite number would break the JSON.
  if (value === undefined || typeof value === 'number') return primitiveOf(value, CAPTURED_STRING_MAX);
  return primitiveOf(value, CAPTURED_STRING_MAX) ?? cutText(describeValue(value), CAPTURED_STRING_MAX);
}

/** Metadata: primitives only (others dropped), strings cut to 1 024, first 32 valid keys; empty → null. */
export function sanitizeMetadata(data: Record<string, unknown> | null | undefined, maxKeys = MAX_KEYS): FlatRecord | null {
  return sanitizeRecord(data, maxKeys, metadataValue);
}

/** Captured params: primitives kept, anything else as a short string form; strings cut to 512. */
export function sanitizeCaptured(data: Record<string, unknown> | null | undefined): FlatRecord | null {
  return sanitizeRecord(data, MAX_KEYS, capturedValue);
}

/**
 * Captured params as the scrubber sees them: the same keys and primitives as `sanitizeCaptured`,
 * but objects and arrays as plain copies (their JSON form parsed back), so the scrubber can remove
 * nested keys before the value becomes its string form. Never throws.
 */
export function capturedForScrubber(data: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  return sanitizeRecord<unknown>(data, MAX_KEYS, (value) => (typeof value === 'object' && value !== null ? plainDataOf(value) : capturedValue(value)));
}

/** A plain copy of an object (what JSON keeps of it), or its short string form when it has none. */
function plainDataOf(value: object): unknown {
  if (isDate(value)) return describeValue(value);
  const json = jsonOf(value);
  if (json === undefined) return describeValue(value);
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return describeValue(value);
  }
}

/** A real Date (a Proxy or an object with Date.prototype is not one: getTime would throw on it). */
function isDate(value: object): value is Date {
  return types.isDate(value);
}

/** JSON of any object, circular references and BigInts included; undefined when it throws or has none. */
function jsonOf(value: object): string | undefined {
  try {
    const seen = new WeakSet<object>();
    return JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'bigint') return `${item.toString()}n`;
      if (typeof item === 'object' && item !== null) {
        if (seen.has(item)) return '[Circular]';
        seen.add(item);
      }
      return item;
    });
  } catch {
    // A throwing getter or toJSON.
    return undefined;
  }
}

/** A short string form of any value; never throws (circular, BigInt, Symbol, throwing getters). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'bigint':
      return `${value.toString()}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    case 'object':
      break;
    default:
      return String(value);
  }
  if (isDate(value)) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  const json = jsonOf(value);
  if (json !== undefined) return json;
  // A throwing getter or toJSON: fall back to the tag.
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return '[object]';
  }
}

export interface ErrorFields {
  type: string;
  message: string;
}

/** Error fields of a thrown value: its class name (or type) and its message. */
export function errorFieldsOf(error: unknown): ErrorFields {
  if (error instanceof Error) {
    let type = 'Error';
    let message = '';
    try {
      type = error.constructor?.name || error.name || 'Error';
      message = typeof error.message === 'string' ? error.message : describeValue(error.message);
    } catch {
      // A hostile error object still gets recorded as an Error.
    }
    return { type, message };
  }
  if (error === null) return { type: 'null', message: '' };
  if (typeof error === 'object') {
    let type = 'Object';
    try {
      type = (error as object).constructor?.name || 'Object';
    } catch {
      // keep 'Object'
    }
    return { type, message: describeValue(error) };
  }
  return { type: typeof error, message: describeValue(error) };
}

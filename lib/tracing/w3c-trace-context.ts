/**
 * W3C Trace Context (`traceparent` / `tracestate`) beside X-Teracron-Trace, so a service between
 * OpenTelemetry-instrumented services keeps their trace.
 *
 * - Inbound: a valid `traceparent` continues its trace when no X-Teracron-Trace came. The 32-hex
 *   trace id has our shape and is kept as received; its 16-hex parent id cannot be a Teracron
 *   parent (32 hex, PROTOCOL.md §7), so the span has no parent and records it as `w3c.parent_id`.
 * - Outbound: `traceparent` names the trace and the innermost span (its first 16 hex characters,
 *   the width W3C allows) with the sampled flag of our own decision; the `tracestate` that came
 *   with the trace is passed through unchanged.
 *
 * Sampling is not read from the flags: every Teracron service decides again from the trace id
 * (PROTOCOL.md §8), so they agree on a trace entering from OpenTelemetry. Never throws.
 */
import type { TraceContext } from './span-handle';
import { parseTraceHeader } from './trace-header';

export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';
/** Metadata key of the W3C parent id a span continued from. */
export const W3C_PARENT_METADATA = 'w3c.parent_id';

/** `version-traceid-parentid-flags`; version 00 has exactly these four parts, later versions may add more. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const LOWER_HEX32 = /^[0-9a-f]{32}$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_PARENT = '0'.repeat(16);
/** W3C caps tracestate at 32 members of at most 256 characters; anything longer is not passed on. */
const TRACESTATE_MAX = 32 * 257;
/** Trace ids whose tracestate is remembered for outbound requests; the oldest is forgotten first. */
const TRACESTATE_ENTRIES = 1_000;

export interface ParsedTraceparent {
  traceId: string;
  parentId: string;
  sampled: boolean;
}

/** A header value (a string, or the first of an array) → its parts, or null when it must be ignored. */
export function parseTraceparent(value: unknown): ParsedTraceparent | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return null;
  const match = TRACEPARENT.exec(raw.trim());
  if (match === null) return null;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (traceId === ZERO_TRACE || parentId === ZERO_PARENT) return null;
  return { traceId, parentId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/** The traceparent for work `context` hands on; undefined when its trace id cannot be a W3C one. */
export function traceparentFor(context: TraceContext): string | undefined {
  const traceId = context.traceId;
  if (!LOWER_HEX32.test(traceId) || traceId === ZERO_TRACE) return undefined;
  // W3C requires a parent: with no span of ours to name (an unsampled root), a stand-in taken
  // from the trace id, which nothing records; the 00 flag tells the peer we did not sample.
  const spanId = context.contextSpanId;
  const parent = spanId !== null && LOWER_HEX32.test(spanId) && !spanId.startsWith(ZERO_PARENT) ? spanId.slice(0, 16) : traceId.slice(16);
  if (parent === ZERO_PARENT) return undefined;
  return `00-${traceId}-${parent}-${context.sampled ? '01' : '00'}`;
}

/**
 * The tracestate an inbound request brought with its trace, remembered by trace id (bounded) so
 * outbound requests of that trace pass it on. Only traces that came with a traceparent have one.
 */
const tracestates = new Map<string, string>();

export function rememberTracestate(traceId: string, value: unknown): void {
  const raw = Array.isArray(value) ? value.join(',') : value;
  if (typeof raw !== 'string') return;
  const text = raw.trim();
  if (text === '' || text.length > TRACESTATE_MAX) return;
  tracestates.delete(traceId);
  tracestates.set(traceId, text);
  if (tracestates.size > TRACESTATE_ENTRIES) tracestates.delete(tracestates.keys().next().value as string);
}

export function tracestateOf(traceId: string): string | undefined {
  return tracestates.get(traceId);
}

/** What an inbound request's headers say about its trace: the header value to continue, and metadata for its span. */
export interface InboundTrace {
  readonly traceHeader: string | undefined;
  readonly metadata: Record<string, string> | undefined;
}

/** Shared by every request that brings no trace: nothing allocated for them. */
const NO_INBOUND_TRACE: InboundTrace = Object.freeze({ traceHeader: undefined, metadata: undefined });

/**
 * A valid X-Teracron-Trace wins; without one, a valid traceparent gives its trace id (no parent
 * of ours) and `w3c.parent_id`, and its tracestate is remembered for the trace.
 */
export function inboundTraceOf(teracronHeader: unknown, traceparent: unknown, tracestate: unknown): InboundTrace {
  const ours = typeof teracronHeader === 'string' ? teracronHeader : undefined;
  // Without a traceparent there is nothing to choose: the span start parses ours (once).
  if (traceparent === undefined) return ours === undefined ? NO_INBOUND_TRACE : { traceHeader: ours, metadata: undefined };
  if (ours !== undefined && parseTraceHeader(ours) !== null) return { traceHeader: ours, metadata: undefined };
  const parsed = parseTraceparent(traceparent);
  if (parsed === null) return NO_INBOUND_TRACE;
  if (tracestate !== undefined) rememberTracestate(parsed.traceId, tracestate);
  return { traceHeader: parsed.traceId, metadata: { [W3C_PARENT_METADATA]: parsed.parentId } };
}

/** Strict parsing of an X-Teracron-Trace value (PROTOCOL.md §7); never throws. */
const HEX32 = /^[0-9a-fA-F]{32}$/;

export interface ParsedTraceHeader {
  traceId: string;
  parentSpanId: string | null;
}

/** A header value (a string, or the first of an array) → its parts, or null when it must be ignored. */
export function parseTraceHeader(value: unknown): ParsedTraceHeader | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  if (text === '') return null;
  const colon = text.indexOf(':');
  const tracePart = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (!HEX32.test(tracePart)) return null;
  const parentPart = colon < 0 ? '' : text.slice(colon + 1).trim();
  return { traceId: tracePart, parentSpanId: HEX32.test(parentPart) ? parentPart : null };
}


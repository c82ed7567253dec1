/**
 * Trace ids on every line of Nest's ConsoleLogger, and so of every `new Logger(context)` that
 * writes through it (the default app logger), in text and `json: true` modes. While an app with a
 * running client is up, ConsoleLogger's two formatting steps are wrapped on its prototype: the
 * JSON record gets `trace_id` and `span_id` fields, the text line ` trace_id=… span_id=…` after
 * the message (before the `+Nms` of the timestamp option). Lines outside a trace are unchanged.
 * A subclass that overrides one of these steps without calling `super` keeps its own format.
 */
import { ConsoleLogger } from '@nestjs/common';
import { currentLogCorrelation } from '../logging/log-correlation';

type FormatMessage = (this: ConsoleLogger, ...args: unknown[]) => string;
type GetJsonLogObject = (this: ConsoleLogger, ...args: unknown[]) => Record<string, unknown>;

interface PatchableConsoleLogger {
  formatMessage?: FormatMessage;
  getJsonLogObject?: GetJsonLogObject;
}

/** formatMessage(logLevel, message, pidMessage, formattedLogLevel, contextMessage, timestampDiff, …) in Nest 11 and 12. */
const TIMESTAMP_DIFF_ARG = 5;

let users = 0;
let originals: { formatMessage: FormatMessage | undefined; getJsonLogObject: GetJsonLogObject | undefined } | undefined;

const formatMessage: FormatMessage = function (this: ConsoleLogger, ...args: unknown[]): string {
  const original = originals?.formatMessage;
  if (original === undefined) return '';
  const suffix = users > 0 ? textSuffix() : '';
  if (suffix !== '' && args.length > TIMESTAMP_DIFF_ARG) args[TIMESTAMP_DIFF_ARG] = suffix + String(args[TIMESTAMP_DIFF_ARG] ?? '');
  return Reflect.apply(original, this, args);
};

const getJsonLogObject: GetJsonLogObject = function (this: ConsoleLogger, ...args: unknown[]): Record<string, unknown> {
  const record = Reflect.apply(originals!.getJsonLogObject!, this, args);
  if (users > 0) addIds(record);
  return record;
};

function textSuffix(): string {
  try {
    const ids = currentLogCorrelation();
    if (ids === undefined) return '';
    return ids.span_id === undefined ? ` trace_id=${ids.trace_id}` : ` trace_id=${ids.trace_id} span_id=${ids.span_id}`;
  } catch {
    return '';
  }
}

function addIds(record: Record<string, unknown>): void {
  try {
    const ids = currentLogCorrelation();
    if (ids === undefined || record === null || typeof record !== 'object') return;
    if (!('trace_id' in record)) record.trace_id = ids.trace_id;
    if (ids.span_id !== undefined && !('span_id' in record)) record.span_id = ids.span_id;
  } catch {
    // The line is written without the ids.
  }
}

/**
 * Adds the ids to ConsoleLogger lines until the returned function is called (one call per app;
 * the prototype is restored when the last app stops, unless someone wrapped it after us).
 */
export function correlateConsoleLogger(): () => void {
  const prototype = ConsoleLogger.prototype as unknown as PatchableConsoleLogger;
  if (originals === undefined) {
    originals = { formatMessage: prototype.formatMessage, getJsonLogObject: prototype.getJsonLogObject };
    if (originals.formatMessage !== undefined) prototype.formatMessage = formatMessage;
    if (originals.getJsonLogObject !== undefined) prototype.getJsonLogObject = getJsonLogObject;
  }
  users++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--users > 0 || originals === undefined) return;
    // Someone who wrapped our wrapper keeps it; with no users left it only passes through.
    if (prototype.formatMessage !== formatMessage || prototype.getJsonLogObject !== getJsonLogObject) return;
    if (originals.formatMessage !== undefined) prototype.formatMessage = originals.formatMessage;
    if (originals.getJsonLogObject !== undefined) prototype.getJsonLogObject = originals.getJsonLogObject;
    originals = undefined;
  };
}

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

type Method = (this: ConsoleLogger, ...args: unknown[]) => unknown;
type Wrapped = 'formatMessage' | 'getJsonLogObject';

/** formatMessage(logLevel, message, pidMessage, formattedLogLevel, contextMessage, timestampDiff, …) in Nest 11 and 12. */
const TIMESTAMP_DIFF_ARG = 5;

let users = 0;
/** What each wrapper calls: the method it replaced (kept while anyone's wrapper may still call ours). */
const originals: Partial<Record<Wrapped, Method>> = {};

const wrappers: Record<Wrapped, Method> = {
  formatMessage(this: ConsoleLogger, ...args: unknown[]): unknown {
    const suffix = users > 0 ? textSuffix() : '';
    if (suffix !== '' && args.length > TIMESTAMP_DIFF_ARG) args[TIMESTAMP_DIFF_ARG] = suffix + String(args[TIMESTAMP_DIFF_ARG] ?? '');
    return Reflect.apply(originals.formatMessage!, this, args);
  },
  getJsonLogObject(this: ConsoleLogger, ...args: unknown[]): unknown {
    const record = Reflect.apply(originals.getJsonLogObject!, this, args) as Record<string, unknown>;
    if (users > 0) addIds(record);
    return record;
  },
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

const prototype = ConsoleLogger.prototype as unknown as Partial<Record<Wrapped, Method>>;

function install(name: Wrapped): void {
  const current = prototype[name];
  if (typeof current !== 'function' || current === wrappers[name]) return;
  // Someone wrapped ours and calls it: wrapping theirs again would call ourselves in a loop.
  if (originals[name] !== undefined && current !== originals[name]) return;
  originals[name] = current;
  prototype[name] = wrappers[name];
}

function uninstall(name: Wrapped): void {
  // A wrapper installed after ours keeps calling ours, which then only passes through.
  if (prototype[name] !== wrappers[name]) return;
  prototype[name] = originals[name];
  delete originals[name];
}

/**
 * Adds the ids to ConsoleLogger lines until the returned function is called (one call per app;
 * the prototype is restored when the last app stops).
 */
export function correlateConsoleLogger(): () => void {
  install('formatMessage');
  install('getJsonLogObject');
  users++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--users > 0) return;
    uninstall('formatMessage');
    uninstall('getJsonLogObject');
  };
}

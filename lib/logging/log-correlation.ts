/**
 * Log correlation without Nest: the ids of the current trace for a log line, and the one-line
 * hooks of pino (a mixin) and winston (a format) that add them. They read the tracing context
 * when the line is written and add `trace_id` and `span_id`, nothing else: never metadata or
 * captured values. Outside a trace they add nothing. An unsampled trace has no recorded span, so
 * its lines carry only `trace_id` (the id the response's X-Teracron-Trace header names).
 */
import { currentTraceContext } from '../tracing/context';

export interface LogCorrelation {
  /** 32 hex characters: the trace of the work that wrote the line. */
  trace_id: string;
  /** 32 hex characters: the innermost recorded span; absent in an unsampled trace. */
  span_id?: string;
}

/** The ids for a line written now, or undefined outside a trace (and when no client runs). */
export function currentLogCorrelation(): LogCorrelation | undefined {
  const context = currentTraceContext();
  if (context === undefined || context.traceId === '') return undefined;
  const spanId = context.span?.spanId;
  return spanId ? { trace_id: context.traceId, span_id: spanId } : { trace_id: context.traceId };
}

/**
 * pino's `mixin` option: `pino({ mixin: teracronPinoMixin })`, or with nestjs-pino
 * `LoggerModule.forRoot({ pinoHttp: { mixin: teracronPinoMixin } })`. pino calls it for every line
 * and merges the line's own fields into what it returns, so each call returns a new object.
 */
export function teracronPinoMixin(): Partial<LogCorrelation> {
  try {
    return currentLogCorrelation() ?? {};
  } catch {
    return {};
  }
}

/** The shape winston (logform) expects of a format: an object with `transform(info)`. */
export interface WinstonLikeFormat {
  transform<Info extends object>(info: Info): Info;
}

/**
 * A winston format: `format.combine(teracronWinstonFormat(), format.json())` on the logger (or on
 * nest-winston's `WinstonModule.forRoot({ format })`). It needs no winston import, so this package
 * never loads winston. Put it on the logger rather than on a transport: winston formats a line on
 * the logger as it is written, while a transport that is backed up formats it later, in whatever
 * context is current then.
 */
export function teracronWinstonFormat(): WinstonLikeFormat {
  return {
    transform<Info extends object>(info: Info): Info {
      try {
        const ids = currentLogCorrelation();
        if (ids !== undefined && info !== null && typeof info === 'object') {
          const fields = info as Record<string, unknown>;
          fields.trace_id = ids.trace_id;
          if (ids.span_id !== undefined) fields.span_id = ids.span_id;
        }
      } catch {
        // A log line is written whether or not we could add the ids.
      }
      return info;
    },
  };
}

/**
 * Every option of the core, with its env var, default and range in one table (PROTOCOL.md §2).
 * An explicit option wins; the environment is read only when the option is not given.
 */
import type { TeracronLogger } from '../logger';

/** What the scrubber is shown (README, Scrubbing). */
export type TracingScrubberField = 'metadata' | 'captured_params' | 'event_metadata' | 'error';

/**
 * Receives our copy of one field of a span or event before it is buffered; returns what may be
 * sent (`null` or `undefined`: nothing). Throwing or returning anything but an object drops the
 * field and is counted in `stats().scrubber.failures`.
 */
export type TracingScrubber = (data: Record<string, unknown>, field: TracingScrubberField) => Record<string, unknown> | null | undefined;

/**
 * Numbers and booleans may also be given as strings (what ConfigService and process.env hold):
 * they are parsed like the env var, so `config.get<string>('TERACRON_INTERVAL')` fits as it is.
 */
export type NumberOptionValue = number | string;
export type BooleanOptionValue = boolean | string;

export interface TeracronOptions {
  /** `tcn_…` key from the dashboard or `teracron-agent dev`. Env TERACRON_API_KEY. Without it telemetry is off. */
  apiKey?: string;
  /** Legacy override of the key's slug. Env TERACRON_PROJECT_SLUG. */
  projectSlug?: string;
  /** Legacy override of the key's public key (PEM). Env TERACRON_PUBLIC_KEY. */
  publicKey?: string;
  /** Ingest host[:port]. Env TERACRON_DOMAIN. Default www.teracron.com; loopback hosts use http. */
  domain?: string;
  /** Allow a domain outside teracron.com. Env TERACRON_ALLOW_CUSTOM_DOMAIN. Default false. */
  allowCustomDomain?: BooleanOptionValue;
  /** Seconds between metrics samples, 5–300. Env TERACRON_INTERVAL. Default 10. */
  intervalSeconds?: NumberOptionValue;
  /** Snapshots buffered before a metrics flush, 1–10 000. Env TERACRON_MAX_BUFFER. Default 10. */
  maxBufferSize?: NumberOptionValue;
  /** Longest a snapshot waits before a metrics flush, 10–600 s. Env TERACRON_FLUSH_DEADLINE. Default 60. */
  flushDeadlineSeconds?: NumberOptionValue;
  /** HTTP timeout per request, 2–30 s. Env TERACRON_TIMEOUT. Default 10. */
  timeoutSeconds?: NumberOptionValue;
  /** Debug logging (never prints keys, payloads or captured values). Env TERACRON_DEBUG. Default false. */
  debug?: BooleanOptionValue;
  /** Process to monitor (the agent). Env TERACRON_TARGET_PID. Default: this process. */
  targetPid?: NumberOptionValue;
  /** Workflow tracing on/off. Env TERACRON_TRACING_ENABLED. Default true. */
  tracingEnabled?: BooleanOptionValue;
  /** Spans buffered before a trace flush, 1–10 000. Env TERACRON_TRACE_BATCH_SIZE. Default 100. */
  traceBatchSize?: NumberOptionValue;
  /** Seconds between trace/event flushes, 1–300. Env TERACRON_TRACE_FLUSH_INTERVAL. Default 10. */
  traceFlushIntervalSeconds?: NumberOptionValue;
  /** Share of traces recorded, 0–1, decided per trace id. Env TERACRON_TRACE_SAMPLE_RATE. Default 1. */
  traceSampleRate?: NumberOptionValue;
  /**
   * Lower the effective sample rate (never above traceSampleRate) while this process ends more spans
   * than the ingest takes, and keep failed traces' roots within a share of it. Env
   * TERACRON_TRACE_ADAPTIVE_SAMPLING. Default true.
   */
  traceAdaptiveSampling?: BooleanOptionValue;
  /**
   * Share of the key's trace budget (30 requests of 100 spans a minute) this process may use, 0.01–1:
   * for several services sharing one key. Env TERACRON_TRACE_BUDGET_SHARE. Default 1.
   */
  traceBudgetShare?: NumberOptionValue;
  /** Emit workflow_* / step_* events. Env TERACRON_TRACE_EMIT_EVENTS. Default false. */
  traceEmitEvents?: BooleanOptionValue;
  /** Last look at metadata, captured params, event metadata and error messages before they are buffered. */
  tracingScrubber?: TracingScrubber;
  /**
   * Crash spool: data still queued when the process exits is encrypted and kept here for the next
   * start. true (default: `<os.tmpdir()>/teracron-spool-<uid>`), a folder path, or false. Env TERACRON_SPOOL.
   */
  spool?: boolean | string;
  /** Where the core logs; the Nest layer passes Nest's Logger. Default: console. */
  logger?: TeracronLogger;
}

export interface NumberRule {
  env: string;
  default: number;
  min: number;
  max: number;
  integer: boolean;
}

export const NUMBER_OPTIONS = {
  intervalSeconds: { env: 'TERACRON_INTERVAL', default: 10, min: 5, max: 300, integer: false },
  maxBufferSize: { env: 'TERACRON_MAX_BUFFER', default: 10, min: 1, max: 10_000, integer: true },
  flushDeadlineSeconds: { env: 'TERACRON_FLUSH_DEADLINE', default: 60, min: 10, max: 600, integer: false },
  timeoutSeconds: { env: 'TERACRON_TIMEOUT', default: 10, min: 2, max: 30, integer: false },
  traceBatchSize: { env: 'TERACRON_TRACE_BATCH_SIZE', default: 100, min: 1, max: 10_000, integer: true },
  traceFlushIntervalSeconds: { env: 'TERACRON_TRACE_FLUSH_INTERVAL', default: 10, min: 1, max: 300, integer: false },
  traceSampleRate: { env: 'TERACRON_TRACE_SAMPLE_RATE', default: 1, min: 0, max: 1, integer: false },
  traceBudgetShare: { env: 'TERACRON_TRACE_BUDGET_SHARE', default: 1, min: 0.01, max: 1, integer: false },
} as const satisfies Record<string, NumberRule>;

export const BOOLEAN_OPTIONS = {
  debug: { env: 'TERACRON_DEBUG', default: false },
  tracingEnabled: { env: 'TERACRON_TRACING_ENABLED', default: true },
  traceEmitEvents: { env: 'TERACRON_TRACE_EMIT_EVENTS', default: false },
  traceAdaptiveSampling: { env: 'TERACRON_TRACE_ADAPTIVE_SAMPLING', default: true },
  allowCustomDomain: { env: 'TERACRON_ALLOW_CUSTOM_DOMAIN', default: false },
} as const satisfies Record<string, { env: string; default: boolean }>;

export const STRING_OPTIONS = {
  apiKey: 'TERACRON_API_KEY',
  projectSlug: 'TERACRON_PROJECT_SLUG',
  publicKey: 'TERACRON_PUBLIC_KEY',
  domain: 'TERACRON_DOMAIN',
} as const;

export const TARGET_PID_ENV = 'TERACRON_TARGET_PID';

export type NumberOptionName = keyof typeof NUMBER_OPTIONS;
export type BooleanOptionName = keyof typeof BOOLEAN_OPTIONS;

/**
 * Turns options + environment into the one validated configuration the client runs on.
 * All user mistakes surface here, at start-up, as TeracronConfigError.
 */
import type { KeyObject } from 'node:crypto';
import { consoleLogger, createRedactingLogger, type TeracronLogger } from '../logger';
import type { ProjectMode } from '../types';
import { decodeApiKey, parseRsa4096PublicKey, SLUG_PATTERN } from './api-key';
import { TeracronConfigError } from './config-error';
import { resolveIngestOrigin } from './domain';
import { resolveSpoolDir } from '../spool/spool-location';
import { CORE_OPTION_KEYS, unknownOptionWarnings } from './option-keys';
import { readBooleanOption, readNumberOption, readStringOption } from './option-parsers';
import {
  BOOLEAN_OPTIONS,
  NUMBER_OPTIONS,
  STRING_OPTIONS,
  TARGET_PID_ENV,
  type BooleanOptionName,
  type NumberOptionName,
  type TeracronOptions,
  type TracingScrubber,
} from './options';

export interface TeracronCredentials {
  slug: string;
  mode: ProjectMode;
  publicKey: KeyObject;
}

export type ResolvedConfig = { [K in NumberOptionName]: number } & { [K in BooleanOptionName]: boolean } & {
  /** null when no API key is configured: telemetry is off. */
  credentials: TeracronCredentials | null;
  origin: string;
  targetPid: number;
  tracingScrubber: TracingScrubber | undefined;
  /** The crash spool's folder; null when the spool is off. */
  spoolDir: string | null;
  logger: TeracronLogger;
};

type Env = Record<string, string | undefined>;

export function resolveConfig(options: TeracronOptions = {}, env: Env = process.env): ResolvedConfig {
  if (options === null || typeof options !== 'object') throw new TeracronConfigError('Teracron options must be an object.');
  const debug = readBooleanOption('debug', BOOLEAN_OPTIONS.debug.env, false, options.debug, env);
  const logger = createRedactingLogger(options.logger ?? consoleLogger, debug);
  for (const warning of unknownOptionWarnings(options, CORE_OPTION_KEYS, 'the client options')) logger.warn(warning);

  const numbers = {} as { [K in NumberOptionName]: number };
  for (const name of Object.keys(NUMBER_OPTIONS) as NumberOptionName[]) {
    numbers[name] = readNumberOption(name, NUMBER_OPTIONS[name], options[name], env, logger);
  }
  const booleans = {} as { [K in BooleanOptionName]: boolean };
  for (const name of Object.keys(BOOLEAN_OPTIONS) as BooleanOptionName[]) {
    const rule = BOOLEAN_OPTIONS[name];
    booleans[name] = readBooleanOption(name, rule.env, rule.default, options[name], env);
  }

  const scrubber = options.tracingScrubber;
  if (scrubber !== undefined && scrubber !== null && typeof scrubber !== 'function') {
    throw new TeracronConfigError('Invalid Teracron option tracingScrubber: expected a function (data, field) => object.');
  }

  const domain = readStringOption('domain', STRING_OPTIONS.domain, options.domain, env);
  const { origin } = resolveIngestOrigin(domain, booleans.allowCustomDomain);

  return {
    ...numbers,
    ...booleans,
    credentials: resolveCredentials(options, env),
    origin,
    targetPid: resolveTargetPid(options.targetPid, env),
    tracingScrubber: scrubber ?? undefined,
    spoolDir: resolveSpoolDir(options.spool, env),
    logger,
  };
}

function resolveCredentials(options: TeracronOptions, env: Env): TeracronCredentials | null {
  const apiKey = readStringOption('apiKey', STRING_OPTIONS.apiKey, options.apiKey, env);
  const slugOverride = readStringOption('projectSlug', STRING_OPTIONS.projectSlug, options.projectSlug, env);
  const pemOverride = readStringOption('publicKey', STRING_OPTIONS.publicKey, options.publicKey, env);
  const decoded = apiKey === undefined ? undefined : decodeApiKey(apiKey);
  const slug = slugOverride?.trim() ?? decoded?.slug;
  const pem = pemOverride ?? decoded?.publicKeyPem;
  if (slug === undefined && pem === undefined) return null;
  if (slug === undefined || pem === undefined) {
    throw new TeracronConfigError(
      'Teracron needs both a project slug and a public key: set apiKey (env TERACRON_API_KEY), or both projectSlug and publicKey (env TERACRON_PROJECT_SLUG, TERACRON_PUBLIC_KEY).',
    );
  }
  if (!SLUG_PATTERN.test(slug)) {
    throw new TeracronConfigError('Invalid Teracron option projectSlug (env TERACRON_PROJECT_SLUG): expected word-word-123, e.g. "vivid-kudu-655".');
  }
  const origin = pemOverride === undefined ? 'the API key (option apiKey / env TERACRON_API_KEY)' : 'option publicKey (env TERACRON_PUBLIC_KEY)';
  return { slug, mode: decoded?.mode ?? 'production', publicKey: parseRsa4096PublicKey(pem, origin) };
}

function resolveTargetPid(explicit: unknown, env: Env): number {
  const fromEnv = explicit === undefined || explicit === null;
  const raw = fromEnv ? env[TARGET_PID_ENV] : explicit;
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return process.pid;
  const pid = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : Number.NaN;
  if (!Number.isInteger(pid) || pid <= 0) {
    const where = fromEnv ? `env ${TARGET_PID_ENV} (option targetPid)` : `option targetPid (env ${TARGET_PID_ENV})`;
    throw new TeracronConfigError(`Invalid Teracron ${where}: expected a positive integer process id.`);
  }
  return pid;
}

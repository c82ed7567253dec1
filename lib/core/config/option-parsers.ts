/**
 * Reads one option from code or env. Values that do not parse are start-up errors naming
 * the option and the env var; numbers out of range are clamped with one warning.
 */
import type { TeracronLogger } from '../logger';
import { TeracronConfigError } from './config-error';
import type { NumberRule } from './options';

type Env = Record<string, string | undefined>;

function source(option: string, env: string, fromEnv: boolean): string {
  return fromEnv ? `env ${env} (option ${option})` : `option ${option} (env ${env})`;
}

export function readNumberOption(option: string, rule: NumberRule, explicit: unknown, env: Env, logger: TeracronLogger): number {
  const fromEnv = explicit === undefined || explicit === null;
  const raw = fromEnv ? env[rule.env] : explicit;
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '' && fromEnv)) return rule.default;
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && raw.trim() !== '') value = Number(raw.trim());
  else value = Number.NaN;
  const kind = rule.integer ? 'an integer' : 'a number';
  if (Number.isNaN(value) || (rule.integer && Number.isFinite(value) && !Number.isInteger(value))) {
    throw new TeracronConfigError(
      `Invalid Teracron ${source(option, rule.env, fromEnv)}: expected ${kind} between ${rule.min} and ${rule.max}, got ${describe(raw)}.`,
    );
  }
  if (value < rule.min || value > rule.max) {
    const clamped = Math.min(rule.max, Math.max(rule.min, value));
    logger.warn(`Option ${option} (env ${rule.env}) is out of range ${rule.min}–${rule.max}; using ${clamped}.`);
    return clamped;
  }
  return value;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

export function readBooleanOption(option: string, envName: string, fallback: boolean, explicit: unknown, env: Env): boolean {
  const fromEnv = explicit === undefined || explicit === null;
  const raw = fromEnv ? env[envName] : explicit;
  if (raw === undefined) return fallback;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw new TeracronConfigError(
    `Invalid Teracron ${source(option, envName, fromEnv)}: expected true/false (1/0, yes/no), got ${describe(raw)}.`,
  );
}

export function readStringOption(option: string, envName: string, explicit: unknown, env: Env): string | undefined {
  if (explicit !== undefined && explicit !== null) {
    if (typeof explicit !== 'string') throw new TeracronConfigError(`Invalid Teracron option ${option} (env ${envName}): expected a string.`);
    return explicit.trim() === '' ? undefined : explicit;
  }
  const value = env[envName];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Short, safe description of a bad value: never echoes long strings (they could be secrets). */
function describe(raw: unknown): string {
  if (typeof raw === 'string') return raw.length <= 24 ? JSON.stringify(raw) : `a string of ${raw.length} characters`;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return raw === null ? 'null' : `a value of type ${typeof raw}`;
}

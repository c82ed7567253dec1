/**
 * Where the crash spool lives: option `spool` / env TERACRON_SPOOL. On by default in
 * `<os.tmpdir()>/teracron-spool-<uid>`; a boolean word turns it on or off, anything else is a folder.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TeracronConfigError } from '../config/config-error';

export const SPOOL_ENV = 'TERACRON_SPOOL';
/** The folder never holds more than this; what does not fit at exit is lost (and said). */
export const SPOOL_MAX_BYTES = 10 * 1024 * 1024;

const ON = new Set(['1', 'true', 'yes', 'on']);
const OFF = new Set(['0', 'false', 'no', 'off']);

export function defaultSpoolDir(): string {
  return path.join(tmpdir(), `teracron-spool-${process.getuid?.() ?? 'user'}`);
}

/** The spool folder, or null when the spool is off. */
export function resolveSpoolDir(explicit: unknown, env: Record<string, string | undefined>): string | null {
  const fromEnv = explicit === undefined || explicit === null;
  const raw = fromEnv ? env[SPOOL_ENV] : explicit;
  if (raw === undefined || raw === true) return defaultSpoolDir();
  if (raw === false) return null;
  if (typeof raw === 'string') {
    const word = raw.trim();
    if (word === '') return defaultSpoolDir();
    if (ON.has(word.toLowerCase())) return defaultSpoolDir();
    if (OFF.has(word.toLowerCase())) return null;
    return path.resolve(word);
  }
  const where = fromEnv ? `env ${SPOOL_ENV} (option spool)` : `option spool (env ${SPOOL_ENV})`;
  throw new TeracronConfigError(`Invalid Teracron ${where}: expected true, false or a folder path.`);
}

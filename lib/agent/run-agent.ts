/**
 * `teracron-agent run`: monitors another process by pid and ships its metrics through the same
 * client the module uses. Ends with a final flush when the target exits or on SIGTERM/SIGINT.
 * Start-up mistakes (no key, bad key, no such pid) throw TeracronConfigError before anything runs.
 */
import { TeracronConfigError } from '../core/config/config-error';
import type { TeracronOptions } from '../core/config/options';
import { resolveConfig } from '../core/config/resolve-config';
import { createTeracronClient, TeracronClient } from '../core/client';
import { processExists } from '../core/metrics/process-exists';
import { RemoteProcessCollector } from '../core/metrics/remote-process-collector';
import { silentLogger, type TeracronLogger } from '../core/logger';

type Env = Record<string, string | undefined>;

export interface RunAgentOptions {
  pid?: string;
  apiKey?: string;
  domain?: string;
  env?: Env;
  /** Status lines (stdout). */
  write?: (line: string) => void;
  logger?: TeracronLogger;
  /** How often the target's liveness is checked. Default 500 ms. */
  watchMs?: number;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Runs until the target exits or a signal arrives; resolves with the exit code (0). */
export async function runAgent(options: RunAgentOptions): Promise<number> {
  const env = options.env ?? process.env;
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const clientOptions: TeracronOptions = { logger: options.logger };
  if (options.apiKey !== undefined) clientOptions.apiKey = options.apiKey;
  if (options.domain !== undefined) clientOptions.domain = options.domain;
  if (options.pid !== undefined) clientOptions.targetPid = parsePidFlag(options.pid);
  else if ((env.TERACRON_TARGET_PID ?? '').trim() === '') {
    throw new TeracronConfigError('No process to monitor: pass --pid N or set TERACRON_TARGET_PID (e.g. TERACRON_TARGET_PID=$(pgrep -f gunicorn)).');
  }

  // Validated once here, quietly, so the agent can refuse before starting; the client logs its own warnings.
  const checked = resolveConfig({ ...clientOptions, logger: silentLogger }, env);
  if (checked.credentials === null) {
    throw new TeracronConfigError('No API key: pass --api-key or set TERACRON_API_KEY (run `teracron-agent dev` for a local development key).');
  }
  const pid = checked.targetPid;
  if (pid === process.pid) throw new TeracronConfigError('The agent cannot monitor itself: pass the pid of another process.');
  if (!processExists(pid)) throw new TeracronConfigError(`No process with pid ${pid} (from ${options.pid !== undefined ? '--pid' : 'TERACRON_TARGET_PID'}).`);

  const client = createTeracronClient(clientOptions, { env, collector: new RemoteProcessCollector(pid) });
  // The signal handlers are in place before the line that says the agent runs: a SIGTERM sent
  // as soon as it is printed gets the final flush.
  const ended = waitForEnd(pid, options.watchMs ?? 500);
  client.start();
  write(`teracron-agent: monitoring pid ${pid} for project ${checked.credentials.slug} (${checked.credentials.mode}) at ${checked.origin}, every ${checked.intervalSeconds} s`);

  const reason = await ended;
  await client.stop(checked.flushDeadlineSeconds * 1000);
  write(reason === 'exited' ? `target process ${pid} exited; final flush done` : `received ${reason}; final flush done`);
  return 0;
}

function parsePidFlag(text: string): number {
  const pid = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(pid) || pid <= 0) {
    throw new TeracronConfigError(`Invalid --pid "${text}": expected a positive integer process id.`);
  }
  return pid;
}

function waitForEnd(pid: number, watchMs: number): Promise<'exited' | (typeof SIGNALS)[number]> {
  return new Promise((resolve) => {
    const finish = (reason: 'exited' | (typeof SIGNALS)[number]) => {
      clearInterval(watch);
      for (const signal of SIGNALS) process.off(signal, handlers[signal]);
      resolve(reason);
    };
    // This interval is what keeps the agent alive; the client's own timers are unref'd.
    const watch = setInterval(() => {
      if (!processExists(pid)) finish('exited');
    }, watchMs);
    const handlers = { SIGTERM: () => finish('SIGTERM'), SIGINT: () => finish('SIGINT') };
    for (const signal of SIGNALS) process.on(signal, handlers[signal]);
  });
}

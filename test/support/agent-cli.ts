/**
 * Runs the compiled teracron-agent as a real child process and reads its output line by line.
 * Every wait is bounded by a timeout that fails the test with what the child printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { once } from 'node:events';
import { repoRoot } from './vectors';

export const AGENT_CLI = () => path.join(repoRoot(), 'dist', 'lib', 'agent', 'cli.js');

export interface AgentProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (a signal name if killed by one). */
  exited(timeoutMs?: number): Promise<number | string>;
}

export function startAgent(args: string[], env: Record<string, string | undefined> = {}): AgentProcess {
  const child = spawn(process.execPath, [AGENT_CLI(), ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const waiter of [...waiters]) {
      const line = out.split('\n').find((l) => waiter.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exit = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);

  const describe = () => `\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForLine(pattern, timeoutMs = 20_000) {
      const line = out.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) return Promise.resolve(line);
      return withTimeout(
        new Promise<string>((resolve, reject) => {
          waiters.push({ pattern, resolve });
          void exit.then((code) => reject(new Error(`agent exited (${code}) before printing ${pattern}${describe()}`)));
        }),
        timeoutMs,
        () => `no line matching ${pattern} within ${timeoutMs} ms${describe()}`,
      );
    },
    exited(timeoutMs = 30_000) {
      return withTimeout(exit, timeoutMs, () => `agent still running after ${timeoutMs} ms${describe()}`);
    },
  };
}

/** Runs the agent to completion. */
export async function runAgentToEnd(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 30_000) {
  const agent = startAgent(args, env);
  const code = await agent.exited(timeoutMs);
  return { code, stdout: agent.stdout(), stderr: agent.stderr() };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message())), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A pid that belonged to a process which has exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  const pid = child.pid!;
  await once(child, 'exit');
  return pid;
}

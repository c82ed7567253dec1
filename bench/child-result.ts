/** A benchmark that runs in a fresh process of its own and sends back one result. */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

export async function resultOfChild<T>(script: string, env: Record<string, string>, execArgv: string[] = []): Promise<T> {
  const child = fork(path.join(__dirname, script), [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [result] = (await once(child, 'message')) as [T];
  await once(child, 'exit');
  return result;
}

/** RSS over 1 000 000 spans with the ingest down, in a fresh process. */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { closedLoopbackDomain } from '../test/support/closed-loopback';

export interface MemoryResult {
  rssStart: number;
  rssEnd: number;
  rssPeak: number;
  inQueue: number;
  dropped: number;
  enqueued: number;
}

export async function runMemoryBench(apiKey: string): Promise<MemoryResult> {
  const child = fork(path.join(__dirname, 'memory-bench-child.js'), [], {
    env: { ...process.env, TERACRON_API_KEY: apiKey, TERACRON_DOMAIN: await closedLoopbackDomain() },
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [result] = (await once(child, 'message')) as [MemoryResult];
  await once(child, 'exit');
  return result;
}

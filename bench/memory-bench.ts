/** RSS over 1 000 000 spans with the ingest down, in a fresh process. */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface MemoryResult {
  rssStart: number;
  rssEnd: number;
  rssPeak: number;
  inQueue: number;
  dropped: number;
  enqueued: number;
}

export async function runMemoryBench(apiKey: string): Promise<MemoryResult> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const child = fork(path.join(__dirname, 'memory-bench-child.js'), [], {
    env: { ...process.env, TERACRON_API_KEY: apiKey, TERACRON_DOMAIN: `127.0.0.1:${port}` },
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [result] = (await once(child, 'message')) as [MemoryResult];
  await once(child, 'exit');
  return result;
}

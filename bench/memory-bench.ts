/** RSS over 1 000 000 spans with the ingest down, in a fresh process. */
import { refusingLoopback } from '../test/support/closed-loopback';
import { resultOfChild } from './child-result';

export interface MemoryResult {
  rssStart: number;
  rssEnd: number;
  rssPeak: number;
  inQueue: number;
  dropped: number;
  enqueued: number;
}

export async function runMemoryBench(apiKey: string): Promise<MemoryResult> {
  const unreachable = await refusingLoopback();
  try {
    return await resultOfChild<MemoryResult>('memory-bench-child.js', { TERACRON_API_KEY: apiKey, TERACRON_DOMAIN: unreachable.domain }, ['--expose-gc']);
  } finally {
    await unreachable.close();
  }
}

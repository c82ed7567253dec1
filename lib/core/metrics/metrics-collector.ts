/** Where metrics snapshots come from: this process, or another one by pid (the agent). */
import type { MetricsSnapshot } from '../types';

export interface MetricsCollector {
  /** Called once before the first sample. */
  start?(): void;
  sample(): MetricsSnapshot | Promise<MetricsSnapshot>;
  stop?(): void;
}

/** The monitored process is gone; the agent ends when it sees this. */
export class TargetProcessGoneError extends Error {
  override readonly name = 'TargetProcessGoneError';
  constructor(readonly pid: number) {
    super(`the monitored process ${pid} no longer exists`);
  }
}

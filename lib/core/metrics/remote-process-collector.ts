/**
 * Samples another process by pid with pidusage (the agent's job): rss and CPU share. Heap and
 * event-loop figures belong to that process's runtime and cannot be read from outside.
 */
import pidusage from 'pidusage';
import type { MetricsSnapshot } from '../types';
import { TargetProcessGoneError, type MetricsCollector } from './metrics-collector';
import { processExists } from './process-exists';

export class RemoteProcessCollector implements MetricsCollector {
  private primed: Promise<unknown> | undefined;
  private sampled = false;

  constructor(readonly pid: number) {}

  /** pidusage's first reading of a pid has no earlier one to compare with: take it now, so the first sample has CPU. */
  start(): void {
    this.primed ??= pidusage(this.pid).then(
      () => (this.sampled = true),
      () => undefined,
    );
  }

  async sample(): Promise<MetricsSnapshot> {
    await this.primed;
    if (!processExists(this.pid)) throw new TargetProcessGoneError(this.pid);
    let stats: { cpu: number; memory: number };
    try {
      stats = await pidusage(this.pid);
    } catch {
      throw new TargetProcessGoneError(this.pid);
    }
    const cpuKnown = this.sampled && Number.isFinite(stats.cpu);
    this.sampled = true;
    return {
      timestamp: Date.now(),
      heap_total: 0,
      heap_used: 0,
      rss: stats.memory,
      external: 0,
      array_buffers: 0,
      cpu_usage: cpuKnown ? stats.cpu / 100 : -1,
      event_loop_lag_ms: -1,
    };
  }

  stop(): void {
    pidusage.clear();
  }
}

/**
 * Samples another process by pid with pidusage (the agent's job): rss and CPU share. Heap and
 * event-loop figures belong to that process's runtime and cannot be read from outside.
 */
import pidusage from 'pidusage';
import type { MetricsSnapshot } from '../types';
import { TargetProcessGoneError, type MetricsCollector } from './metrics-collector';
import { processExists } from './process-exists';

export class RemoteProcessCollector implements MetricsCollector {
  constructor(readonly pid: number) {}

  async sample(): Promise<MetricsSnapshot> {
    if (!processExists(this.pid)) throw new TargetProcessGoneError(this.pid);
    let stats: { cpu: number; memory: number };
    try {
      stats = await pidusage(this.pid);
    } catch {
      throw new TargetProcessGoneError(this.pid);
    }
    return {
      timestamp: Date.now(),
      heap_total: 0,
      heap_used: 0,
      rss: stats.memory,
      external: 0,
      array_buffers: 0,
      cpu_usage: Number.isFinite(stats.cpu) ? stats.cpu / 100 : -1,
      event_loop_lag_ms: -1,
    };
  }

  stop(): void {
    pidusage.clear();
  }
}

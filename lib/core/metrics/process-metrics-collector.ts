/**
 * Samples this process: memory from process.memoryUsage(), CPU as the share of one core used
 * since the previous sample, and the mean event-loop delay since the previous sample.
 * A sample costs a few microseconds; nothing here allocates per request.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { MetricsSnapshot } from '../types';
import type { MetricsCollector } from './metrics-collector';

const LAG_RESOLUTION_MS = 10;

export class ProcessMetricsCollector implements MetricsCollector {
  private histogram: IntervalHistogram | undefined;
  private lastCpu: NodeJS.CpuUsage | undefined;
  private lastWall = 0;

  start(): void {
    if (this.histogram) return;
    this.histogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    this.histogram.enable();
  }

  sample(): MetricsSnapshot {
    if (!this.histogram) this.start();
    const memory = process.memoryUsage();
    const snapshot: MetricsSnapshot = {
      timestamp: Date.now(),
      heap_total: memory.heapTotal,
      heap_used: memory.heapUsed,
      rss: memory.rss,
      external: memory.external,
      array_buffers: memory.arrayBuffers,
      cpu_usage: this.cpuSinceLastSample(),
      event_loop_lag_ms: this.lagSinceLastSample(),
    };
    return snapshot;
  }

  stop(): void {
    this.histogram?.disable();
    this.histogram = undefined;
  }

  private cpuSinceLastSample(): number {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const previous = this.lastCpu;
    const elapsedMs = wall - this.lastWall;
    this.lastCpu = cpu;
    this.lastWall = wall;
    if (previous === undefined || elapsedMs <= 0) return -1;
    const usedMs = (cpu.user - previous.user + cpu.system - previous.system) / 1000;
    return Math.max(0, usedMs / elapsedMs);
  }

  private lagSinceLastSample(): number {
    const histogram = this.histogram!;
    if (histogram.count === 0) return -1;
    // The histogram includes the timer's own resolution; what is beyond it is lag.
    const lag = Math.max(0, histogram.mean / 1e6 - LAG_RESOLUTION_MS);
    histogram.reset();
    return lag;
  }
}

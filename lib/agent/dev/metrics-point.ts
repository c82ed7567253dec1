/**
 * Turns a metrics entry as the ingest decoded it (PROTOCOL.md §4.1 units: CPU in 1/10 000 of a
 * core, lag in microseconds, 0 = not sent) into the point the charts draw (percent, ms, -1 = unknown).
 */
/** One metrics sample as the UI charts it. */
export interface MetricsPoint {
  timestamp: number;
  rss: number;
  heap_total: number;
  heap_used: number;
  external: number;
  array_buffers: number;
  /** Percent of one core. */
  cpu_pct: number;
  event_loop_lag_ms: number;
  /** Which process sent it (one chart series each); absent for samples stored by older versions. */
  process?: string;
}

type Entry = Partial<Record<string, unknown>>;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

export function toMetricsPoint(item: Entry, process?: string): MetricsPoint {
  // Accept either the wire names (cpu_usage_pct, event_loop_lag) or a snapshot (cpu_usage ratio, event_loop_lag_ms).
  const cpuPct = typeof item.cpu_usage_pct === 'number' ? num(item.cpu_usage_pct) / 100 : typeof item.cpu_usage === 'number' && item.cpu_usage >= 0 ? item.cpu_usage * 100 : -1;
  // A lag of 0 µs is what an SDK that cannot measure it sends (the field omitted: Python), not a measurement.
  const lagMs = typeof item.event_loop_lag === 'number' ? (num(item.event_loop_lag) > 0 ? num(item.event_loop_lag) / 1000 : -1) : typeof item.event_loop_lag_ms === 'number' && item.event_loop_lag_ms >= 0 ? item.event_loop_lag_ms : -1;
  return {
    timestamp: num(item.timestamp) || Date.now(),
    rss: num(item.rss),
    heap_total: num(item.heap_total),
    heap_used: num(item.heap_used),
    external: num(item.external),
    array_buffers: num(item.array_buffers),
    cpu_pct: cpuPct,
    event_loop_lag_ms: lagMs,
    ...(process === undefined ? {} : { process }),
  };
}

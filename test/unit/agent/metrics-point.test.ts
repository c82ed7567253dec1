import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toMetricsPoint } from '../../../lib/agent/dev/metrics-point';

describe('toMetricsPoint', () => {
  it('converts the wire units, keeps the process, and reads an omitted lag as unknown', () => {
    const point = toMetricsPoint({ timestamp: 5, rss: 10, heap_total: 4, heap_used: 3, cpu_usage_pct: 1250, event_loop_lag: 1500 }, 'pid 7');
    assert.deepEqual(point, { timestamp: 5, rss: 10, heap_total: 4, heap_used: 3, external: 0, array_buffers: 0, cpu_pct: 12.5, event_loop_lag_ms: 1.5, process: 'pid 7' });
    // As the Python SDK sends it: no lag field, decoded as 0.
    assert.equal(toMetricsPoint({ timestamp: 5, event_loop_lag: 0 }).event_loop_lag_ms, -1);
    assert.equal('process' in toMetricsPoint({ timestamp: 5 }), false);
  });
});

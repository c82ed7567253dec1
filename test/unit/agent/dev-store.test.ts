import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DevStore } from '../../../lib/agent/dev/dev-store';
import type { MetricsPoint } from '../../../lib/agent/dev/metrics-point';
import type { SpanRecord, WorkflowEventRecord } from '../../../lib/core/types';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'teracron-store-'));
}

function diskBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
}

function span(traceId: string, spanId: string, parent: string | null, startedAt: number, duration: number, extra: Partial<SpanRecord> = {}): SpanRecord {
  return {
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: parent,
    workflow: 'checkout',
    operation: `op-${spanId.slice(0, 4)}`,
    status: 'succeeded',
    started_at: startedAt,
    duration_ms: duration,
    error_type: null,
    error_message: null,
    metadata: null,
    captured_params: null,
    ...extra,
  };
}

const hex = (n = 16) => randomBytes(n).toString('hex');

function point(timestamp: number): MetricsPoint {
  return { timestamp, rss: 50e6, heap_total: 20e6, heap_used: 10e6, external: 1e6, array_buffers: 1e5, cpu_pct: 3, event_loop_lag_ms: 1.5 };
}

describe('DevStore', () => {
  it('keeps spans, events and metrics across a restart', async () => {
    const dir = tempDir();
    try {
      const traceId = hex();
      const rootId = hex();
      const first = new DevStore({ dir }).open();
      first.addSpans([span(traceId, hex(), rootId, 1_000, 5), span(traceId, rootId, null, 990, 20)]);
      const event: WorkflowEventRecord = { type: 'workflow_completed', workflow: 'checkout', trace_id: traceId, span_id: rootId, operation: 'op', severity: 'info', timestamp: 1_010 };
      first.addEvents([event]);
      first.addMetrics([point(1), point(2)]);
      await first.close();

      const second = new DevStore({ dir }).open();
      try {
        assert.deepEqual(second.counts(), { traces: 1, spans: 2, events: 1, metrics: 2 });
        const trace = second.getTrace(traceId);
        assert.equal(trace?.summary.span_count, 2);
        assert.equal(trace?.summary.duration_ms, 20);
        assert.equal(trace?.summary.complete, true);
        assert.deepEqual(trace?.events, [event]);
        assert.deepEqual(second.recentMetrics(10).map((p) => p.timestamp), [1, 2]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('estimates the requests its traces stand for from their roots’ sample_rate, across a restart', async () => {
    const dir = tempDir();
    try {
      const store = new DevStore({ dir }).open();
      const kept = hex();
      const keptRoot = hex();
      store.addSpans([
        span(kept, hex(), keptRoot, 1_000, 5, { metadata: { sample_rate: 0.5 } }), // a child's rate is not counted
        span(kept, keptRoot, null, 990, 20, { metadata: { sample_rate: 0.01 } }),
        span(hex(), hex(), null, 990, 20, { metadata: { sample_rate: 1, 'teracron.kept_on_failure': true }, status: 'failed' }),
        span(hex(), hex(), null, 990, 20), // no rate (another SDK): counts once
        span(hex(), hex(), null, 990, 20, { metadata: { sample_rate: 0 } }), // not a rate: counts once
      ]);
      assert.equal(store.requestEstimate(), 100 + 1 + 1 + 1);
      await store.close();
      const reopened = new DevStore({ dir }).open();
      try {
        assert.equal(reopened.requestEstimate(), 103);
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stays under its size bound on disk when flooded, keeping the newest records', async () => {
    const dir = tempDir();
    const maxBytes = 64 * 1024;
    try {
      const store = new DevStore({ dir, maxBytes }).open();
      let lastTrace = '';
      for (let batch = 0; batch < 200; batch++) {
        lastTrace = hex();
        const spans = Array.from({ length: 20 }, (_, i) => span(lastTrace, hex(), null, batch * 100 + i, 1, { metadata: { note: 'x'.repeat(100) } }));
        store.addSpans(spans);
        store.addMetrics(Array.from({ length: 20 }, (_, i) => point(batch * 100 + i)));
        assert.ok(store.bytes <= maxBytes, `store holds ${store.bytes} bytes, bound ${maxBytes}`);
      }
      assert.ok(store.getTrace(lastTrace), 'the newest trace is kept');
      assert.ok(store.counts().spans < 200 * 20, 'old spans were pruned');
      await store.close();
      assert.ok(diskBytes(dir) <= maxBytes, `disk holds ${diskBytes(dir)} bytes, bound ${maxBytes}`);

      const reopened = new DevStore({ dir, maxBytes }).open();
      assert.ok(reopened.getTrace(lastTrace), 'the newest trace survives a restart');
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prunes records older than its age limit when reopened', async () => {
    const dir = tempDir();
    let now = 1_000_000;
    try {
      const first = new DevStore({ dir, maxAgeMs: 60_000, now: () => now }).open();
      first.addMetrics([point(1)]);
      await first.close();
      now += 120_000;
      const second = new DevStore({ dir, maxAgeMs: 60_000, now: () => now }).open();
      second.addMetrics([point(2)]);
      assert.deepEqual(second.recentMetrics(10).map((p) => p.timestamp), [2]);
      await second.close();
      assert.equal(readdirSync(dir).filter((f) => f.startsWith('metrics-')).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists traces newest first, under the root span, before and after the root arrives', async () => {
    const dir = tempDir();
    try {
      const store = new DevStore({ dir }).open();
      const older = hex();
      const newer = hex();
      const rootId = hex();
      store.addSpans([span(older, hex(), null, 100, 10)]);
      store.addSpans([span(newer, hex(), rootId, 210, 30, { status: 'failed', error_type: 'Error', error_message: 'boom' })]);
      let [first] = store.listTraces(10);
      assert.equal(first?.trace_id, newer);
      assert.equal(first?.complete, false);
      store.addSpans([span(newer, rootId, null, 200, 50, { operation: 'POST /orders' })]);
      const list = store.listTraces(10);
      assert.deepEqual(list.map((t) => t.trace_id), [newer, older]);
      first = list[0];
      assert.equal(first?.operation, 'POST /orders');
      assert.equal(first?.complete, true);
      assert.equal(first?.duration_ms, 50);
      assert.equal(first?.errors, 1);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The store reads back what earlier runs left, whatever it is: records it cannot use (valid JSON of
 * the wrong shape, a torn line, garbage, a binary segment) are skipped and counted at any position,
 * and every good record around them is kept.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DevStore } from '../../../lib/agent/dev/dev-store';
import type { SpanRecord } from '../../../lib/core/types';

const hex = () => randomBytes(16).toString('hex');

function span(traceId: string): SpanRecord {
  return { trace_id: traceId, span_id: hex(), parent_span_id: null, workflow: 'w', operation: 'op', status: 'succeeded', started_at: Date.now(), duration_ms: 1, error_type: null, error_message: null, metadata: null, captured_params: null };
}

describe('DevStore with damaged segments', () => {
  it('starts with a "r":null line, a truncated line, garbage and a binary segment, keeping every good record', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'teracron-damaged-'));
    try {
      const good = Array.from({ length: 6 }, () => hex());
      const first = new DevStore({ dir }).open();
      first.addSpans(good.slice(0, 3).map(span));
      first.addMetrics([{ timestamp: 1, rss: 1, heap_total: 1, heap_used: 1, external: 1, array_buffers: 1, cpu_pct: 1, event_loop_lag_ms: 1 }]);
      await first.close();
      const [segment] = readdirSync(dir).filter((name) => name.startsWith('spans-'));
      const file = path.join(dir, segment!);
      // Bad lines before, between and after good ones.
      const lines = (name: string) => good.slice(3).map((id) => JSON.stringify({ t: Date.now(), r: span(id) })).join('\n') + name;
      writeFileSync(file, '{"t":1,"r":null}\n' + '{"t":1,"r":{"trace_id":null}}\n' + readFileSync(file, 'utf8') + '[1,2]\nnull\n{"t":"x","r":{}}\n' + lines('\n') + '{"t":1,"r":{"trace_');
      writeFileSync(path.join(dir, 'spans-00000099.jsonl'), randomBytes(4096));
      appendFileSync(path.join(dir, 'events-00000001.jsonl'), '{"t":1,"r":null}\n\u0000\u0001garbage\n');
      appendFileSync(path.join(dir, 'metrics-00000050.jsonl'), '{"t":1,"r":{"timestamp":"soon"}}\n');

      const second = new DevStore({ dir }).open();
      try {
        const counts = second.counts();
        assert.equal(counts.spans, 6);
        assert.equal(counts.traces, 6);
        assert.equal(counts.metrics, 1);
        assert.equal(counts.events, 0);
        for (const id of good) assert.equal(second.getTrace(id)?.spans.length, 1, id);
        // 6 bad lines in the span segment, the binary segment's lines, 2 in events, 1 in metrics.
        assert.ok(second.skipped >= 6 + 1 + 2 + 1, `skipped ${second.skipped}`);
        assert.equal(second.listTraces(100).length, 6);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatTraceTree } from '../../../lib/agent/span-tree-text';
import { SseParser } from '../../../lib/agent/sse-parser';
import type { SpanRecord } from '../../../lib/core/types';

function span(id: string, parent: string | null, operation: string, startedAt: number, extra: Partial<SpanRecord> = {}): SpanRecord {
  return {
    trace_id: 'ab'.repeat(16),
    span_id: id.padEnd(32, '0'),
    parent_span_id: parent === null ? null : parent.padEnd(32, '0'),
    workflow: 'checkout',
    operation,
    status: 'succeeded',
    started_at: startedAt,
    duration_ms: 12.5,
    error_type: null,
    error_message: null,
    metadata: null,
    captured_params: null,
    ...extra,
  };
}

describe('tail output', () => {
  it('prints a trace as an indented tree, parents first, siblings by start time, failures marked', () => {
    // Children end (and arrive) before their parents.
    const lines = formatTraceTree('ab'.repeat(16), [
      span('c2', 'b', 'second child', 30, { status: 'failed', error_type: 'CardDeclined', error_message: 'declined' }),
      span('c1', 'b', 'first child', 20),
      span('b', 'a', 'service', 10),
      span('a', null, 'POST /orders', 0),
    ]);
    assert.deepEqual(lines.slice(1), [
      '  ✓ POST /orders  12.5 ms',
      '    ✓ service  12.5 ms',
      '      ✓ first child  12.5 ms',
      '      ✗ second child  12.5 ms  CardDeclined: declined',
    ]);
    assert.match(lines[0]!, /^trace abababababab… checkout {2}4 spans, 1 failed$/);
  });

  it('survives a cycle in parent links', () => {
    const lines = formatTraceTree('ab'.repeat(16), [span('a', 'b', 'x', 0), span('b', 'a', 'y', 1)]);
    assert.equal(lines.length, 3);
  });
});

describe('SSE parser', () => {
  it('splits frames across chunks and ignores comments', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push(': ping\n\nevent: spans\nda'), []);
    assert.deepEqual(parser.push('ta: [1]\r\n\r\ndata: a\ndata: b\n\n'), [
      { event: 'spans', data: '[1]' },
      { event: 'message', data: 'a\nb' },
    ]);
  });
});

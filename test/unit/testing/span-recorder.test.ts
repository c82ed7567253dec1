/** TeracronRecorder on its own: trees from spans recorded in end order, waits driven by records, bounded waits. */
import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { SpanRecord } from '../../../lib/core/types';
import { TeracronRecorder, type SpanNode } from '../../../lib/testing/index';

let clock = 1_000;
function spanRecord(span_id: string, parent_span_id: string | null, operation: string, trace_id = 'a'.repeat(32)): SpanRecord {
  return {
    trace_id,
    span_id,
    parent_span_id,
    workflow: 'w',
    operation,
    status: 'succeeded',
    started_at: clock++,
    duration_ms: 1,
    error_type: null,
    error_message: null,
    metadata: null,
    captured_params: null,
  };
}

const outline = (node: SpanNode): unknown => [node.operation, ...node.children.map(outline)];

describe('TeracronRecorder', () => {
  it('builds trees whatever the order spans ended in, children by start time', () => {
    const recorder = new TeracronRecorder();
    const root = spanRecord('r', null, 'root');
    const first = spanRecord('c1', 'r', 'first');
    const second = spanRecord('c2', 'r', 'second');
    const grandchild = spanRecord('g', 'c1', 'grandchild');
    for (const span of [grandchild, second, first, root]) recorder.recordSpan(span);
    recorder.recordSpan(spanRecord('o', 'remote-parent', 'other trace', 'b'.repeat(32)));
    assert.deepEqual(recorder.trace('a'.repeat(32)).map(outline), [['root', ['first', ['grandchild']], ['second']]]);
    assert.deepEqual(recorder.traces().map((node) => node.operation), ['root', 'other trace']);
    assert.deepEqual(recorder.spans({ parent_span_id: 'r' }).map((s) => s.operation), ['second', 'first']);
  });

  it('resolves waitForSpans on the record that reaches the count', async () => {
    const recorder = new TeracronRecorder();
    let resolved = false;
    const waiting = recorder.waitForSpans(2).then((spans) => ((resolved = true), spans));
    recorder.recordSpan(spanRecord('x', null, 'one'));
    await Promise.resolve();
    assert.equal(resolved, false);
    recorder.recordSpan(spanRecord('y', null, 'two'));
    assert.deepEqual((await waiting).map((s) => s.operation), ['one', 'two']);
  });

  it('rejects a wait after its timeout, naming what was recorded', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const recorder = new TeracronRecorder();
      recorder.recordSpan(spanRecord('x', null, 'GET /orders/:id'));
      const waiting = recorder.waitForSpan({ operation: 'never' }, { timeoutMs: 250 });
      mock.timers.tick(250);
      await assert.rejects(waiting, /waited 250 ms for a span matching the given fields; recorded spans: GET \/orders\/:id/);
    } finally {
      mock.timers.reset();
    }
  });

  it('clear() forgets spans and events', () => {
    const recorder = new TeracronRecorder();
    recorder.recordSpan(spanRecord('x', null, 'one'));
    recorder.clear();
    assert.deepEqual([recorder.spans(), recorder.events(), recorder.traces()], [[], [], []]);
  });
});

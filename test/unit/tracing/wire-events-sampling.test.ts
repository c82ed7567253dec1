import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkflowEventRecord } from '../../../lib/core/types';
import { runWithTraceHeader } from '../../../lib/tracing/propagation';
import { Trace } from '../../../lib/tracing/trace.decorator';
import { emitEvent } from '../../../lib/tracing/tracer';
import { withClient } from '../../support/client-with-ingest';
import { readVector } from '../../support/vectors';

class Orders {
  constructor(private readonly fail = false) {}

  @Trace('order')
  async place(): Promise<string> {
    await this.reserve();
    return 'placed';
  }

  @Trace('order')
  async reserve(): Promise<void> {
    emitEvent('retry', { severity: 'warning', metadata: { attempt: 2, obj: { no: 1 } } });
    emitEvent('not_a_type');
    if (this.fail) throw new TypeError('out of stock');
  }
}

const shape = (events: WorkflowEventRecord[]) => events.map((e) => `${e.type}/${e.severity}/${e.operation}`);

describe('workflow events and sampling, as the ingest receives them', () => {
  it('a successful tree emits workflow_* and step_* events, plus retry via the API', async () => {
    await withClient({ traceEmitEvents: true }, async (ingest, client) => {
      await new Orders().place();
      await client.flush();
      await ingest.waitFor((s) => s.events().length === 5 && s.spans().length === 2);
      const events = ingest.events();
      assert.deepEqual(shape(events), [
        'workflow_started/info/Orders.place',
        'step_started/info/Orders.reserve',
        'retry/warning/Orders.reserve',
        'step_completed/info/Orders.reserve',
        'workflow_completed/info/Orders.place',
      ]);
      const [place, reserve] = [ingest.spans().find((s) => s.operation === 'Orders.place')!, ingest.spans().find((s) => s.operation === 'Orders.reserve')!];
      assert.ok(events.every((e) => e.trace_id === place.trace_id && e.workflow === 'order'));
      assert.equal(events[0]!.span_id, place.span_id);
      assert.equal(events[2]!.span_id, reserve.span_id);
      assert.deepEqual(events[2]!.metadata, { attempt: 2 });
      assert.equal(typeof events[4]!.metadata?.duration_ms, 'number');
      assert.equal(events[0]!.metadata, undefined);
      assert.equal(events[0]!.error_type, undefined);
    });
  });

  it('a failing tree emits step_failed and workflow_failed with the error fields', async () => {
    await withClient({ traceEmitEvents: true }, async (ingest, client) => {
      await assert.rejects(new Orders(true).place(), TypeError);
      await client.flush();
      await ingest.waitFor((s) => s.events().length === 5);
      const events = ingest.events();
      assert.deepEqual(shape(events).slice(3), ['step_failed/error/Orders.reserve', 'workflow_failed/error/Orders.place']);
      for (const e of events.slice(3)) {
        assert.equal(e.error_type, 'TypeError');
        assert.equal(e.error_message, 'out of stock');
      }
    });
  });

  it('no events unless traceEmitEvents is on', async () => {
    await withClient({}, async (ingest, client) => {
      await new Orders().place();
      await client.flush();
      await ingest.waitFor((s) => s.spans().length === 2);
      assert.equal(ingest.events().length, 0);
    });
  });

  it('sampling at 0.5 over the vector ids equals the vector decisions, and every span of a trace shares it', async () => {
    const vectors = readVector<{ cases: Array<{ trace_id: string; sampled: Record<string, boolean> }> }>('sampling.json');
    await withClient({ traceSampleRate: 0.5, traceEmitEvents: true, traceBatchSize: 1000 }, async (ingest, client) => {
      const orders = new Orders();
      for (const c of vectors.cases) await runWithTraceHeader(c.trace_id, () => orders.place());
      await client.flush();
      const expected = vectors.cases.filter((c) => c.sampled['0.5']);
      await ingest.waitFor((s) => s.spans().length === expected.length * 2, 10_000);
      const byTrace = new Map<string, number>();
      for (const s of ingest.spans()) byTrace.set(s.trace_id, (byTrace.get(s.trace_id) ?? 0) + 1);
      assert.deepEqual([...byTrace.keys()].sort(), expected.map((c) => c.trace_id).sort());
      assert.ok([...byTrace.values()].every((n) => n === 2), 'both spans of every sampled trace, none of the others');
      assert.ok(ingest.events().every((e) => byTrace.has(e.trace_id)), 'no events for unsampled traces');
    });
  });
});

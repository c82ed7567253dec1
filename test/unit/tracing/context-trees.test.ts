import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Trace } from '../../../lib/tracing/trace.decorator';
import { span as traced, startSpan, runInSpan, currentSpan } from '../../../lib/tracing/tracer';
import { RecordingSink } from '../../support/recording-sink';

class Ledger {
  @Trace('payment')
  async write(entry: number): Promise<number> {
    await sleep(1);
    return entry * 2;
  }
}

class Payments {
  constructor(private readonly ledger = new Ledger()) {}

  @Trace('payment')
  async charge(amount: number): Promise<number> {
    await sleep(1);
    return this.ledger.write(amount);
  }

  @Trace('payment')
  async checkout(amount: number): Promise<number[]> {
    return Promise.all([this.charge(amount), this.charge(amount + 1), this.ledger.write(3)]);
  }

  @Trace('payment')
  async order(amount: number): Promise<number> {
    await sleep(1);
    const value = await this.charge(amount);
    await sleep(1);
    return value;
  }
}

describe('tracing context: trees across await, Promise.all, timers, emitters', () => {
  it('builds a 3-level tree across await', async () => {
    const sink = new RecordingSink();
    const result = await sink.activeDuring(() => new Payments().order(5));
    assert.equal(result, 10);
    const [order] = sink.byOperation('Payments.order');
    const [charge] = sink.byOperation('Payments.charge');
    const [write] = sink.byOperation('Ledger.write');
    assert.equal(order!.parent_span_id, null);
    assert.equal(charge!.parent_span_id, order!.span_id);
    assert.equal(write!.parent_span_id, charge!.span_id);
    assert.ok([order, charge, write].every((s) => s!.trace_id === order!.trace_id && s!.status === 'succeeded'));
    // Spans are queued as they end: children first.
    assert.deepEqual(sink.spans.map((s) => s.operation), ['Ledger.write', 'Payments.charge', 'Payments.order']);
    assert.ok(order!.duration_ms >= charge!.duration_ms && charge!.duration_ms >= write!.duration_ms);
  });

  it('gives Promise.all siblings one parent', async () => {
    const sink = new RecordingSink();
    await sink.activeDuring(() => new Payments().checkout(1));
    const [checkout] = sink.byOperation('Payments.checkout');
    const charges = sink.byOperation('Payments.charge');
    assert.equal(charges.length, 2);
    assert.ok(charges.every((c) => c.parent_span_id === checkout!.span_id));
    const writes = sink.byOperation('Ledger.write');
    assert.equal(writes.length, 3);
    assert.equal(writes.filter((w) => w.parent_span_id === checkout!.span_id).length, 1);
    assert.deepEqual(new Set(writes.filter((w) => w.parent_span_id !== checkout!.span_id).map((w) => w.parent_span_id)), new Set(charges.map((c) => c.span_id)));
  });

  it('never mixes spans of 10 000 interleaved concurrent traces', async () => {
    const sink = new RecordingSink();
    const payments = new Payments();
    await sink.activeDuring(() => Promise.all(Array.from({ length: 10_000 }, (_, i) => payments.order(i))));
    assert.equal(sink.spans.length, 30_000);
    const byId = new Map(sink.spans.map((s) => [s.span_id, s]));
    const traces = new Set<string>();
    for (const s of sink.spans) {
      if (s.parent_span_id === null) {
        traces.add(s.trace_id);
        continue;
      }
      const parent = byId.get(s.parent_span_id);
      assert.ok(parent, 'every parent was recorded');
      assert.equal(parent.trace_id, s.trace_id, 'a parent is always in its own trace');
    }
    assert.equal(traces.size, 10_000);
    assert.equal(byId.size, 30_000, 'span ids are unique');
  });

  it('follows timers and event emitters, and the span API nests with decorators', async () => {
    const sink = new RecordingSink();
    const emitter = new EventEmitter();
    const payments = new Payments();
    await sink.activeDuring(() =>
      traced('payment', { operation: 'job' }, async (root) => {
        root.setMetadata({ kind: 'batch' });
        await new Promise<void>((resolve) => setTimeout(() => void payments.charge(1).then(() => resolve()), 2));
        const heard = new Promise<void>((resolve) => emitter.once('go', () => void payments.charge(2).then(() => resolve())));
        setImmediate(() => emitter.emit('go'));
        await heard;
        const manual = startSpan('payment', { operation: 'manual' });
        await runInSpan(manual, () => payments.charge(3));
        assert.equal(currentSpan(), root);
        manual.end();
      }),
    );
    const [job] = sink.byOperation('job');
    const [manual] = sink.byOperation('manual');
    const charges = sink.byOperation('Payments.charge');
    assert.deepEqual(job!.metadata, { kind: 'batch' });
    assert.equal(charges.filter((c) => c.parent_span_id === job!.span_id).length, 2);
    assert.equal(charges.filter((c) => c.parent_span_id === manual!.span_id).length, 1);
    assert.equal(manual!.parent_span_id, job!.span_id);
  });

  it('@Trace on a class traces every own method, keeping names and lengths', async () => {
    @Trace('inventory')
    class Stock {
      reserve(sku: string, qty: number): string {
        return `${sku}:${qty}`;
      }
      async release(sku: string): Promise<string> {
        return this.reserve(sku, 0);
      }
    }
    const sink = new RecordingSink();
    const stock = new Stock();
    assert.equal(Stock.prototype.reserve.name, 'reserve');
    assert.equal(Stock.prototype.reserve.length, 2);
    assert.equal(await sink.activeDuring(() => stock.release('A')), 'A:0');
    const [release] = sink.byOperation('Stock.release');
    const [reserve] = sink.byOperation('Stock.reserve');
    assert.equal(reserve!.parent_span_id, release!.span_id);
    assert.equal(reserve!.workflow, 'inventory');
  });
});

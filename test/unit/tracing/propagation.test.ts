import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getTraceHeader, parseTraceHeader, runWithTraceHeader, setTraceHeader, TRACE_HEADER } from '../../../lib/tracing/propagation';
import { span as traced } from '../../../lib/tracing/tracer';
import { Trace } from '../../../lib/tracing/trace.decorator';
import { RecordingSink } from '../../support/recording-sink';
import { readVector } from '../../support/vectors';

interface HeaderCase {
  input: string | null;
  ignored: boolean;
  trace_id: string | null;
  parent_span_id: string | null;
  strict?: { ignored: boolean; trace_id: string | null; parent_span_id: string | null };
}
interface ActiveCase {
  active_before: { trace_id: string; parent_span_id: string | null };
  input: string;
  after: { trace_id: string; parent_span_id: string | null };
}
const vectors = readVector<{ cases: HeaderCase[]; active_context_cases: ActiveCase[]; outbound: Array<{ trace_id: string | null; span_stack: string[]; header: string | null }> }>('trace-header.json');

class Worker {
  @Trace('queue')
  async consume(): Promise<string | undefined> {
    return getTraceHeader();
  }
}

describe('X-Teracron-Trace (PROTOCOL.md §7)', () => {
  it('is the documented header name', () => {
    assert.equal(TRACE_HEADER, 'X-Teracron-Trace');
  });

  for (const c of vectors.cases) {
    const expected = c.strict ?? c;
    it(`parses ${JSON.stringify(c.input)}${c.strict ? ' (strict)' : ''}`, () => {
      const parsed = parseTraceHeader(c.input);
      if (expected.ignored) assert.equal(parsed, null);
      else assert.deepEqual(parsed, { traceId: expected.trace_id, parentSpanId: expected.parent_span_id });
    });
  }

  it('never throws on odd input types', () => {
    for (const value of [undefined, 42, {}, ['4bf92f3577b34da6a3ce929d0e0e4736'], Symbol('x'), 'a'.repeat(100_000)]) {
      assert.doesNotThrow(() => parseTraceHeader(value));
    }
    assert.deepEqual(parseTraceHeader(['4bf92f3577b34da6a3ce929d0e0e4736']), { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: null });
  });

  it('a malformed header leaves the active trace as it was; a valid one replaces it', async () => {
    const sink = new RecordingSink();
    await sink.activeDuring(async () => {
      for (const c of vectors.active_context_cases) {
        const before = `${c.active_before.trace_id}:${c.active_before.parent_span_id}`;
        await runWithTraceHeader(before, async () => {
          setTraceHeader(c.input);
          const expected = c.after.parent_span_id === null ? c.after.trace_id : `${c.after.trace_id}:${c.after.parent_span_id}`;
          assert.equal(getTraceHeader(), expected);
        });
      }
    });
  });

  it('outbound: no header outside a trace, the trace id alone without a span, trace:span inside one', async () => {
    const sink = new RecordingSink();
    assert.equal(getTraceHeader(), undefined);
    await sink.activeDuring(async () => {
      const traceOnly = vectors.outbound[1]!;
      runWithTraceHeader(traceOnly.trace_id, () => assert.equal(getTraceHeader(), traceOnly.header));
      await traced('payment', async (span) => {
        assert.equal(getTraceHeader(), `${span.traceId}:${span.spanId}`);
      });
    });
  });

  it('round trip: a header taken inside a span continues the same trace elsewhere, under that span', async () => {
    const sink = new RecordingSink();
    await sink.activeDuring(async () => {
      const header = await traced('payment', { operation: 'producer' }, async () => getTraceHeader());
      assert.ok(header);
      // "Elsewhere": a consumer outside the producer's context.
      const seen = await runWithTraceHeader(header, () => new Worker().consume());
      const [producer] = sink.byOperation('producer');
      const [consumer] = sink.byOperation('Worker.consume');
      assert.equal(consumer!.trace_id, producer!.trace_id);
      assert.equal(consumer!.parent_span_id, producer!.span_id);
      assert.equal(seen, `${consumer!.trace_id}:${consumer!.span_id}`);
    });
  });

  it('setTraceHeader affects only the current async context', async () => {
    const sink = new RecordingSink();
    await sink.activeDuring(async () => {
      // Two message callbacks, each in its own async context, as a consumer receives them.
      const consume = (header: string) =>
        new Promise<string | undefined>((resolve) =>
          setTimeout(() => {
            setTraceHeader(header);
            setTimeout(() => resolve(getTraceHeader()), 5);
          }, 1),
        );
      const [a, b] = await Promise.all([consume('a'.repeat(32) + ':' + 'b'.repeat(32)), consume('c'.repeat(32))]);
      assert.equal(a, 'a'.repeat(32) + ':' + 'b'.repeat(32));
      assert.equal(b, 'c'.repeat(32));
      assert.equal(getTraceHeader(), undefined);
    });
  });
});

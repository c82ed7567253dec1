import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shouldSample } from '../../../lib/tracing/sampling';
import { continueTrace } from '../../../lib/tracing/trace-start';
import { inboundTraceOf, parseTraceparent, traceparentFor, tracestateOf } from '../../../lib/tracing/w3c-trace-context';
import { RecordingSink } from '../../support/recording-sink';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

describe('W3C traceparent', () => {
  it('parses a valid header, keeping the trace id as received', () => {
    assert.deepEqual(parseTraceparent(`00-${TRACE}-${PARENT}-01`), { traceId: TRACE, parentId: PARENT, sampled: true });
    assert.deepEqual(parseTraceparent([` 00-${TRACE}-${PARENT}-00 `]), { traceId: TRACE, parentId: PARENT, sampled: false });
    // A later version may add fields; version 00 may not.
    assert.equal(parseTraceparent(`01-${TRACE}-${PARENT}-01-extra`)?.traceId, TRACE);
  });

  for (const bad of [
    undefined,
    '',
    `00-${TRACE}-${PARENT}-01-extra`,
    `ff-${TRACE}-${PARENT}-01`,
    `00-${'0'.repeat(32)}-${PARENT}-01`,
    `00-${TRACE}-${'0'.repeat(16)}-01`,
    `00-${TRACE.toUpperCase()}-${PARENT}-01`,
    `00-${TRACE}-${PARENT}`,
    `00-${TRACE.slice(1)}-${PARENT}-01`,
  ]) {
    it(`ignores ${JSON.stringify(bad)}`, () => assert.equal(parseTraceparent(bad), null));
  }

  it('names the innermost span (its first 16 hex) and our own sampling decision', () => {
    const sink = new RecordingSink();
    const span = '1234567890abcdef1234567890abcdef';
    assert.equal(traceparentFor({ sink, traceId: TRACE, span: null, contextSpanId: span, sampled: true }), `00-${TRACE}-1234567890abcdef-01`);
    assert.equal(traceparentFor({ sink, traceId: TRACE, span: null, contextSpanId: span, sampled: false }), `00-${TRACE}-1234567890abcdef-00`);
    // No span of ours (an unsampled root): a stand-in parent, never an invalid header.
    assert.match(traceparentFor({ sink, traceId: TRACE, span: null, contextSpanId: null, sampled: false })!, /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    // An X-Teracron-Trace id in upper case cannot be a W3C trace id: no traceparent rather than a changed id.
    assert.equal(traceparentFor({ sink, traceId: TRACE.toUpperCase(), span: null, contextSpanId: span, sampled: true }), undefined);
  });
});

describe('inbound trace of a request', () => {
  it('prefers a valid X-Teracron-Trace, else the traceparent with its parent in metadata and its tracestate remembered', () => {
    const ours = `${'a'.repeat(32)}:${'b'.repeat(32)}`;
    assert.deepEqual(inboundTraceOf(ours, `00-${TRACE}-${PARENT}-01`, undefined), { traceHeader: ours, metadata: undefined });
    assert.deepEqual(inboundTraceOf('not-a-trace', `00-${TRACE}-${PARENT}-01`, 'k=v'), { traceHeader: TRACE, metadata: { 'w3c.parent_id': PARENT } });
    assert.equal(tracestateOf(TRACE), 'k=v');
    assert.deepEqual(inboundTraceOf(undefined, 'garbage', 'k=v'), { traceHeader: undefined, metadata: undefined });
  });

  it('decides sampling from the trace id alone, whatever the W3C flag says', () => {
    const sink = new RecordingSink({ sampleRate: 0.5 });
    for (let i = 0; i < 20; i++) {
      const traceId = i.toString(16).padStart(32, 'c');
      for (const flag of ['00', '01']) {
        const inbound = inboundTraceOf(undefined, `00-${traceId}-${PARENT}-${flag}`, undefined);
        assert.equal(continueTrace(sink, inbound.traceHeader!, null).sampled, shouldSample(traceId, 0.5));
      }
    }
  });
});

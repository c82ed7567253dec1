/**
 * The framework-free log correlation: the ids of the innermost span, only the trace id in an
 * unsampled trace, nothing outside one; and the same through real pino (mixin) and winston
 * (format) loggers writing to streams.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import winston from 'winston';
import { currentLogCorrelation, teracronPinoMixin, teracronWinstonFormat } from '../../../lib/logging/log-correlation';
import { span } from '../../../lib/tracing/tracer';
import { RecordingSink } from '../../support/recording-sink';

/** A stream that keeps every line written to it, parsed as JSON. */
function jsonLines(): { stream: Writable; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { stream, records };
}

describe('log correlation', () => {
  it('names the innermost open span and its trace, and nothing outside a trace', async () => {
    const sink = new RecordingSink();
    await sink.activeDuring(() => {
      assert.equal(currentLogCorrelation(), undefined);
      const seen = span('orders', { operation: 'outer' }, () => {
        const inner = span('orders', { operation: 'inner' }, () => currentLogCorrelation());
        return { inner, outer: currentLogCorrelation() };
      });
      assert.equal(currentLogCorrelation(), undefined);
      const [innerSpan, outerSpan] = sink.spans;
      assert.equal(innerSpan?.parent_span_id, outerSpan?.span_id);
      assert.deepEqual(seen.inner, { trace_id: innerSpan!.trace_id, span_id: innerSpan!.span_id });
      assert.deepEqual(seen.outer, { trace_id: outerSpan!.trace_id, span_id: outerSpan!.span_id });
    });
  });

  it('gives an unsampled trace its trace id only', async () => {
    const sink = new RecordingSink({ sampleRate: 0 });
    await sink.activeDuring(() => {
      const seen = span('orders', { operation: 'unsampled' }, (handle) => ({ ids: currentLogCorrelation(), traceId: handle.traceId }));
      assert.match(seen.traceId, /^[0-9a-f]{32}$/);
      assert.deepEqual(seen.ids, { trace_id: seen.traceId });
    });
    assert.deepEqual(sink.spans, []);
  });

  it('adds the ids to real pino lines through the mixin, and a new object per line', async () => {
    const { stream, records } = jsonLines();
    const logger = pino({ mixin: teracronPinoMixin, base: null, timestamp: false }, stream);
    const sink = new RecordingSink();
    await sink.activeDuring(() => {
      logger.info({ orderId: 1 }, 'outside');
      span('orders', { operation: 'place' }, () => logger.info({ orderId: 2 }, 'inside'));
      logger.info('outside again');
    });
    const [placed] = sink.spans;
    assert.deepEqual(records, [
      { level: 30, orderId: 1, msg: 'outside' },
      { level: 30, trace_id: placed!.trace_id, span_id: placed!.span_id, orderId: 2, msg: 'inside' },
      { level: 30, msg: 'outside again' },
    ]);
    assert.notEqual(teracronPinoMixin(), teracronPinoMixin());
  });

  it('adds the ids to real winston lines through the format', async () => {
    const { stream, records } = jsonLines();
    const logger = winston.createLogger({ format: winston.format.combine(teracronWinstonFormat(), winston.format.json()), transports: [new winston.transports.Stream({ stream })] });
    const sink = new RecordingSink();
    await sink.activeDuring(() => {
      logger.info('outside');
      span('orders', { operation: 'place' }, () => logger.info('inside', { orderId: 2 }));
    });
    const [placed] = sink.spans;
    assert.deepEqual(records, [
      { level: 'info', message: 'outside' },
      { level: 'info', message: 'inside', orderId: 2, trace_id: placed!.trace_id, span_id: placed!.span_id },
    ]);
  });
});

/**
 * ConsoleLogger's lines while the correlation is on: ids after the message in text mode, as
 * fields in JSON mode (never replacing the caller's own), none outside a trace; the prototype is
 * restored when the last app stops, and a wrapper someone installed after us is left in place.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleLogger } from '@nestjs/common';
import { correlateConsoleLogger } from '../../../lib/nest/console-logger-correlation';
import { span } from '../../../lib/tracing/tracer';
import { RecordingSink } from '../../support/recording-sink';

/** What `fn` wrote to stdout; the write is swapped only for this synchronous call. */
function stdoutOf(fn: () => void): string {
  const write = process.stdout.write;
  let written = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = write;
  }
  return written;
}

const prototype = ConsoleLogger.prototype as unknown as Record<string, unknown>;

describe('ConsoleLogger correlation', () => {
  it('adds the span’s ids to text and JSON lines written in a trace, and nothing outside one', async () => {
    const text = new ConsoleLogger('Orders', { colors: false, timestamp: true });
    const json = new ConsoleLogger('Orders', { json: true });
    const sink = new RecordingSink();
    const stop = correlateConsoleLogger();
    try {
      await sink.activeDuring(() => {
        const outside = stdoutOf(() => text.log('outside'));
        assert.doesNotMatch(outside, /trace_id/);
        const [textLine, jsonLine] = span('orders', { operation: 'place' }, () => [stdoutOf(() => text.log('placing')), stdoutOf(() => json.log('placing', { trace_id: 'mine' }))]);
        const placed = sink.spans[0]!;
        assert.match(textLine!, new RegExp(`\\[Orders\\] placing trace_id=${placed.trace_id} span_id=${placed.span_id}( \\+\\d+ms)?\\n$`));
        const record = JSON.parse(jsonLine!) as Record<string, unknown>;
        assert.equal(record.message, 'placing');
        assert.deepEqual(record.params, { trace_id: 'mine' });
        assert.equal(record.trace_id, placed.trace_id);
        assert.equal(record.span_id, placed.span_id);
        const outsideJson = JSON.parse(stdoutOf(() => json.log('outside'))) as Record<string, unknown>;
        assert.equal('trace_id' in outsideJson, false);
      });
    } finally {
      stop();
    }
  });

  it('gives a line of an unsampled trace its trace id only', async () => {
    const text = new ConsoleLogger('Orders', { colors: false });
    const json = new ConsoleLogger('Orders', { json: true });
    const stop = correlateConsoleLogger();
    try {
      await new RecordingSink({ sampleRate: 0 }).activeDuring(() => {
        const [traceId, textLine, jsonLine] = span('orders', (handle) => [handle.traceId, stdoutOf(() => text.log('placing')), stdoutOf(() => json.log('placing'))]);
        assert.match(textLine!, new RegExp(`\\[Orders\\] placing trace_id=${traceId}\\n$`));
        const record = JSON.parse(jsonLine!) as Record<string, unknown>;
        assert.equal(record.trace_id, traceId);
        assert.equal('span_id' in record, false);
      });
    } finally {
      stop();
    }
  });

  it('restores the prototype when the last user stops', () => {
    const original = { formatMessage: prototype.formatMessage, getJsonLogObject: prototype.getJsonLogObject };
    const first = correlateConsoleLogger();
    const second = correlateConsoleLogger();
    const wrapped = prototype.formatMessage;
    assert.notEqual(wrapped, original.formatMessage);
    first();
    first();
    assert.equal(prototype.formatMessage, wrapped, 'still wrapped while an app runs');
    second();
    assert.equal(prototype.formatMessage, original.formatMessage);
    assert.equal(prototype.getJsonLogObject, original.getJsonLogObject);
  });

  it('leaves a wrapper installed after ours in place, passing through', async () => {
    const original = prototype.formatMessage as (...args: unknown[]) => string;
    const stop = correlateConsoleLogger();
    const ours = prototype.formatMessage as (...args: unknown[]) => string;
    const theirs = function (this: unknown, ...args: unknown[]): string {
      return `[theirs] ${ours.apply(this, args)}`;
    };
    prototype.formatMessage = theirs;
    try {
      stop();
      assert.equal(prototype.formatMessage, theirs);
      const sink = new RecordingSink();
      await sink.activeDuring(() => {
        const line = span('orders', () => stdoutOf(() => new ConsoleLogger('Orders', { colors: false }).log('placing')));
        assert.match(line, /^\[theirs\] .*\[Orders\] placing\n$/);
      });
    } finally {
      prototype.formatMessage = original;
    }
  });
});

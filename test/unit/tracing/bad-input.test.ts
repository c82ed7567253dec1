/**
 * Bad input never crashes or throws into user code: generated trace headers, awkward metadata
 * and captured values, thrown non-Errors, and every option set to a wrong type or range. What
 * reaches the ingest always passes the server's validation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTeracronClient, TeracronClient } from '../../../lib/core/client';
import { TeracronConfigError } from '../../../lib/core/config/config-error';
import { resolveConfig } from '../../../lib/core/config/resolve-config';
import { BOOLEAN_OPTIONS, NUMBER_OPTIONS } from '../../../lib/core/config/options';
import { parseTraceHeader, runWithTraceHeader, getTraceHeader } from '../../../lib/tracing/propagation';
import { span as traced } from '../../../lib/tracing/tracer';
import { Trace } from '../../../lib/tracing/trace.decorator';
import { startTestIngest } from '../../support/start-ingest';
import { testApiKey } from '../../support/test-keys';
import { RecordingSink } from '../../support/recording-sink';

/** A small deterministic generator, so a failure can be replayed. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  return { next, pick };
}

const PIECES = ['', ':', ' ', '\r\n', '\t', '0x', '-', '+', '_', '٠١٢', '😀', '\u0000', 'ffffffffffffffffffffffffffffffff', 'ABCDEF0123456789abcdef0123456789', 'g', 'z'.repeat(40), '%00', '\\', '"'];

function headerValue(random: ReturnType<typeof generator>): string {
  const parts = Math.floor(random.next() * 6);
  let value = '';
  for (let i = 0; i < parts; i++) value += random.pick(PIECES);
  if (random.next() < 0.05) value += 'a'.repeat(Math.floor(random.next() * 200_000));
  return value;
}

describe('bad input', () => {
  it('10 000 generated X-Teracron-Trace values: never a throw, and only strict 32-hex parts accepted', async () => {
    const random = generator(42);
    const sink = new RecordingSink();
    await sink.activeDuring(() => {
      for (let i = 0; i < 10_000; i++) {
        const value = headerValue(random);
        const parsed = parseTraceHeader(value);
        if (parsed !== null) {
          assert.match(parsed.traceId, /^[0-9a-fA-F]{32}$/);
          if (parsed.parentSpanId !== null) assert.match(parsed.parentSpanId, /^[0-9a-fA-F]{32}$/);
        }
        const seen = runWithTraceHeader(value, () => getTraceHeader());
        assert.equal(seen === undefined, parsed === null);
      }
    });
  });

  it('awkward metadata and captured values reach the ingest within its validation rules', async () => {
    const ingest = await startTestIngest();
    const client = createTeracronClient({ apiKey: testApiKey(), domain: ingest.domain, logger: { debug() {}, warn() {}, error() {} } }, { env: {}, collectMetrics: false });
    client.start();
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const throwing = Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('getter'); } });
    const awkward: Record<string, unknown> = {
      circular,
      big: 10n ** 30n,
      symbol: Symbol('s'),
      fn: () => 1,
      throwing,
      huge: 'x'.repeat(10 * 1024 * 1024),
      bare: Object.create(null),
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      date: new Date(Number.NaN),
      emoji: '😀'.repeat(2000),
      [`k${'y'.repeat(200)}`]: 'long key',
      '': 'empty key',
    };
    class Awkward {
      @Trace('bad', { capture: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] })
      take(a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown): number {
        return [a, b, c, d, e, f, g, h].length;
      }
    }
    try {
      const values = Object.values(awkward);
      assert.equal(new Awkward().take(...(values.slice(0, 8) as [unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown])), 8);
      traced('bad', { operation: 'metadata' }, (span) => span.setMetadata(awkward));
      for (const thrown of [undefined, null, 0, '', Symbol('t'), 10n, { toString: () => { throw new Error('no'); } }]) {
        try {
          traced('bad', { operation: 'throws' }, () => {
            throw thrown;
          });
        } catch (error) {
          assert.equal(error, thrown);
        }
      }
      await client.flush();
      await ingest.waitFor((s) => s.spans().length === 9);
      const requests = ingest.requests().filter((r) => r.route === 'traces');
      assert.ok(requests.every((r) => r.status === 202 && r.dropped === 0), 'the server dropped nothing');
      const meta = ingest.spans().find((s) => s.operation === 'metadata')!.metadata!;
      assert.equal((meta.huge as string).length, 1024);
      assert.ok(!('nan' in meta) && !('inf' in meta) && !('' in meta));
    } finally {
      await client.stop(2000);
      await ingest.close();
    }
  });

  it('a captured Proxy whose every trap throws: the span is kept, the value sent as a placeholder, with or without a scrubber', async () => {
    const trap = () => {
      throw new Error('trap');
    };
    const hostile = new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, has: trap });
    class Hostile {
      @Trace('bad', { capture: ['value'] })
      take(value: unknown): string {
        return typeof value;
      }
    }
    for (const scrubber of [undefined, (data: Record<string, unknown>) => data]) {
      const sink = new RecordingSink({ scrubber });
      await sink.activeDuring(() => assert.equal(new Hostile().take(hostile), 'object'));
      assert.equal(sink.spans.length, 1);
      assert.deepEqual(sink.spans[0]!.captured_params, { value: '[object]' });
    }
  });

  it('every option with a wrong type or range: a clear TeracronConfigError naming it, or a clamp warning', () => {
    const wrong: unknown[] = [{}, [], () => 1, Number.NaN, -1, 1e12, 'abc', true, '  '];
    for (const name of [...Object.keys(NUMBER_OPTIONS), ...Object.keys(BOOLEAN_OPTIONS), 'apiKey', 'domain', 'targetPid', 'tracingScrubber', 'projectSlug', 'publicKey']) {
      for (const value of wrong) {
        const warnings: string[] = [];
        try {
          resolveConfig({ [name]: value, logger: { debug() {}, warn: (m: string) => warnings.push(m), error() {} } } as never, {});
        } catch (error) {
          assert.ok(error instanceof TeracronConfigError, `${name}=${String(value)}: ${String(error)}`);
          assert.match(error.message, new RegExp(name), `${name}: the message names the option`);
          continue;
        }
        for (const warning of warnings) assert.match(warning, new RegExp(name));
      }
    }
  });
});

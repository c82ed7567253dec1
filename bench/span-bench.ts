/**
 * Per-span cost: an async method that awaits a resolved promise, called in a loop, plain, under
 * @Trace (no client; inside an unsampled trace; sampled with a running client) and under
 * OpenTelemetry's startActiveSpan with an exporter that drops everything. Two shapes: every call
 * a new root, and calls inside a traced parent. Median ns per call over repetitions.
 *
 * The sampled case runs twice: with the ingest unreachable (spans are recorded, scrubbed and
 * queued, then dropped at the queue bound: the counterpart of OTel's dropping exporter), and
 * exporting to a loopback ingest, where the flushes' encoding and encryption run on the same
 * thread between calls. A last case is the floor of any AsyncLocalStorage-based wrapper: read
 * the store, call the method.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BatchSpanProcessor, BasicTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createTeracronClient, TeracronClient } from '../lib/core/client';
import { registerRunningClient, unregisterRunningClient } from '../lib/core/client-registry';
import type { TraceSink } from '../lib/core/trace-sink';
import { currentTraceContext } from '../lib/tracing/context';
import { span as tracedSpan } from '../lib/tracing/tracer';
import { Trace } from '../lib/tracing/trace.decorator';
import { median } from './stats';

export type SpanCase = 'trace-no-client' | 'trace-unsampled' | 'trace-sampled' | 'trace-sampled-exporting' | 'als-floor' | 'otel';
export type SpanShape = 'root' | 'child';
export interface SpanResult {
  case: SpanCase;
  shape: SpanShape;
  nsPerCall: number;
  /** The plain method under the same conditions. */
  bareNsPerCall: number;
}

const resolved = Promise.resolve();

class Plain {
  async call(n: number): Promise<number> {
    await resolved;
    return n + 1;
  }
}

class Traced {
  @Trace('bench')
  async call(n: number): Promise<number> {
    await resolved;
    return n + 1;
  }
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Kept so the store read cannot be optimised away. */
export let lastStoreSeen: unknown;

/** What any ALS-based wrapper must do per call, and nothing more: read the store, call the method. */
function alsFloorWrapper(original: Method): Method {
  return function (this: unknown): unknown {
    lastStoreSeen = currentTraceContext();
    return Reflect.apply(original, this, arguments);
  };
}

class AlsFloor {
  async call(n: number): Promise<number> {
    await resolved;
    return n + 1;
  }
}
AlsFloor.prototype.call = alsFloorWrapper(AlsFloor.prototype.call as Method) as AlsFloor['call'];

class DroppingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

async function loop(calls: number, fn: (n: number) => Promise<number>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await fn(i);
  return Number(process.hrtime.bigint() - start) / calls;
}

/**
 * `domain`: a loopback ingest that accepts; `unreachableDomain`: a loopback port nobody listens on.
 */
export async function runSpanBench(domain: string, unreachableDomain: string, apiKey: string, repetitions = 7, calls = 50_000): Promise<SpanResult[]> {
  const plain = new Plain();
  const traced = new Traced();
  const floor = new AlsFloor();
  const otelProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new DroppingExporter())] });
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const otel = otelProvider.getTracer('bench');
  const otelCall = (n: number) =>
    otel.startActiveSpan('call', async (s) => {
      await resolved;
      s.end();
      return n + 1;
    });

  const unsampledSink = { running: true, tracing: { enabled: true, sampleRate: 0, emitEvents: false, scrubber: undefined }, dropSpanIfFull: () => false, enqueueSpan() {}, enqueueEvent() {}, countScrubberFailure() {} } satisfies TraceSink;
  const silent = { debug() {}, warn() {}, error() {} };
  // Every trace kept: these cases measure a recorded span (adaptive sampling would decide most of
  // 50 000 traces a second not kept, and measure the unsampled path instead).
  const queuingClient = createTeracronClient({ apiKey, domain: unreachableDomain, logger: silent, traceAdaptiveSampling: false }, { env: {}, collectMetrics: false });
  const exportingClient = createTeracronClient({ apiKey, domain, logger: silent, traceAdaptiveSampling: false }, { env: {}, collectMetrics: false });
  const plainCall = (n: number) => plain.call(n);
  const tracedCall = (n: number) => traced.call(n);
  const floorCall = (n: number) => floor.call(n);
  const ourParent = (fn: () => Promise<number>) => tracedSpan('bench', { operation: 'parent' }, fn);
  const otelParent = (fn: () => Promise<number>) =>
    otel.startActiveSpan('parent', async (parent) => {
      const ns = await fn();
      parent.end();
      return ns;
    });
  const noParent = (fn: () => Promise<number>) => fn();

  // Each case is compared with the plain method under the same conditions (same parent context).
  const cases: Array<{ name: SpanCase; setup?: () => void; teardown?: () => void; call: (n: number) => Promise<number>; parent: (fn: () => Promise<number>) => Promise<number> }> = [
    { name: 'trace-no-client', call: tracedCall, parent: noParent },
    { name: 'trace-sampled', setup: () => queuingClient.start(), teardown: () => void queuingClient.stop(0), call: tracedCall, parent: ourParent },
    { name: 'trace-sampled-exporting', setup: () => exportingClient.start(), teardown: () => void exportingClient.stop(0), call: tracedCall, parent: ourParent },
    { name: 'trace-unsampled', setup: () => registerRunningClient(unsampledSink), teardown: () => unregisterRunningClient(unsampledSink), call: tracedCall, parent: ourParent },
    { name: 'als-floor', setup: () => registerRunningClient(unsampledSink), teardown: () => unregisterRunningClient(unsampledSink), call: floorCall, parent: ourParent },
    { name: 'otel', call: otelCall, parent: otelParent },
  ];

  const measure = async (run: () => Promise<number>): Promise<number> => {
    await run(); // warm-up
    const samples: number[] = [];
    for (let r = 0; r < repetitions; r++) samples.push(await run());
    return median(samples);
  };

  const results: SpanResult[] = [];
  for (const c of cases) {
    c.setup?.();
    for (const shape of ['root', 'child'] as const) {
      const runWith = (fn: (n: number) => Promise<number>) => (shape === 'root' ? loop(calls, fn) : c.parent(() => loop(calls, fn)));
      const bare = await measure(() => runWith(plainCall));
      const wrapped = await measure(() => runWith(c.call));
      results.push({ case: c.name, shape, nsPerCall: wrapped, bareNsPerCall: bare });
    }
    c.teardown?.();
  }
  await Promise.all([queuingClient.stop(2000), exportingClient.stop(2000)]);
  await otelProvider.shutdown();
  manager.disable();
  return results;
}

/**
 * A trace the sampler did not keep costs what an unsampled trace costs: its root is watched (an
 * unsampled span that only learns how it ended), nothing under it is built, and it is sent alone
 * only when it fails within the failure share. Real tracing engine, real sampler (at rate 0, so
 * no trace is kept), real node:http server for the request span.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTeracronClient } from '../../../lib/core/client';
import { HttpRequestSpans } from '../../../lib/http/http-request-spans';
import { KEPT_ON_FAILURE_KEY, WatchedRootSpan } from '../../../lib/tracing/local-root-span';
import { Trace } from '../../../lib/tracing/trace.decorator';
import { currentSpan, span, startSpan } from '../../../lib/tracing/tracer';
import { SimulatedClock, SimulatedProcess } from '../../support/budget-simulation';
import { refusingLoopback } from '../../support/closed-loopback';
import { testApiKey } from '../../support/test-keys';

function notKeeping(): SimulatedProcess {
  return new SimulatedProcess(new SimulatedClock(), 'not-kept', { sampleRate: 0 });
}

describe('a trace not kept', () => {
  it('builds nothing under its root: @Trace calls pass through, spans started in it are one unsampled stand-in', () => {
    const sink = notKeeping();
    const seen: unknown[] = [];
    class Steps {
      @Trace('step')
      run(): void {
        seen.push(currentSpan());
      }
    }
    const steps = new Steps();
    // A @Trace root needs a running client in the registry; a span root takes the sink directly.
    span('request', { sink, root: true }, (root) => {
      assert.ok(root instanceof WatchedRootSpan);
      assert.equal(root.sampled, false);
      steps.run();
      steps.run();
      const child = startSpan('child', { sink });
      const other = startSpan('other', { sink });
      assert.equal(child.sampled, false);
      assert.equal(child, other, 'one stand-in for every span started under the root');
      child.end();
      assert.equal(root.ended, false, 'ending a child does not end the root');
    });
    assert.deepEqual(seen, [seen[0], seen[0]]);
    assert.ok(seen[0] instanceof WatchedRootSpan, 'a @Trace call under it runs in the root itself: no span, no context of its own');
    assert.equal(sink.recorded.length, 0, 'nothing recorded for a trace not kept that succeeded');
    const stats = sink.sampler.snapshot();
    assert.equal(stats.offered, 1);
    assert.equal(stats.unsampled, 1);
  });

  it('is sent alone when it fails: its name, metadata, start and duration, sample_rate 1, within the failure share', async () => {
    const sink = notKeeping();
    const before = Date.now();
    await assert.rejects(
      span('request', { sink, root: true, operation: 'GET /orders', metadata: { 'http.method': 'GET' } }, async () => {
        span('step', { sink }, () => 1);
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new TypeError('no such order');
      }),
      TypeError,
    );
    assert.equal(sink.recorded.length, 1, 'the root alone');
    const root = sink.recorded[0]!;
    assert.equal(root.parent_span_id, null);
    assert.equal(root.status, 'failed');
    assert.equal(root.operation, 'GET /orders');
    assert.equal(root.error_type, 'TypeError');
    assert.deepEqual(root.metadata, { 'http.method': 'GET', sample_rate: 1, [KEPT_ON_FAILURE_KEY]: true });
    assert.ok(root.started_at >= before - 1 && root.started_at <= before + 10, 'started when the request did, not when it failed');
    assert.ok(root.duration_ms >= 15, `duration ${root.duration_ms} ms covers the request`);
    assert.equal(sink.sampler.snapshot().keptOnFailure, 1);
  });

  it('a @Trace root that rejects later is sent alone; one that resolves leaves nothing', async () => {
    const unreachable = await refusingLoopback();
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const client = createTeracronClient({ apiKey: testApiKey(), domain: unreachable.domain, logger: quiet, spool: false, traceSampleRate: 0 }, { env: {}, collectMetrics: false });
    class Jobs {
      @Trace('job')
      async run(fails: boolean): Promise<string> {
        await Promise.resolve();
        if (fails) throw new RangeError('job failed');
        return 'done';
      }
    }
    const jobs = new Jobs();
    client.start();
    try {
      assert.equal(await jobs.run(false), 'done');
      await assert.rejects(jobs.run(true), RangeError);
      const stats = client.stats();
      assert.equal(stats.traces.offered, 2);
      assert.equal(stats.traces.keptOnFailure, 1, 'the rejection reached the watched root');
      assert.equal(stats.spans.enqueued, 1, 'only the failed root was built');
    } finally {
      await client.stop(1_000);
      await unreachable.close();
    }
  });

  it('an excluded root (discarded) is no longer counted among the traces its window offered; an ended one is', () => {
    const sink = notKeeping();
    startSpan('request', { sink, root: true }).end();
    assert.equal(sink.sampler.unattributed(), 1);
    startSpan('request', { sink, root: true }).discard();
    assert.equal(sink.sampler.unattributed(), 1, 'the discarded one stands for no request');
  });

  it('over the failure share, a failed root is counted and not built', () => {
    const sink = notKeeping();
    let failures = 0;
    for (let i = 0; i < 500; i++) {
      try {
        span('request', { sink, root: true }, () => {
          throw new Error('down');
        });
      } catch {
        failures++;
      }
    }
    const stats = sink.sampler.snapshot();
    assert.equal(failures, 500);
    assert.equal(stats.keptOnFailure + stats.failuresNotKept, 500);
    assert.ok(stats.failuresNotKept > 0, 'the share ran out');
    assert.equal(sink.recorded.length, stats.keptOnFailure);
  });

  it('an HTTP request answered 5xx is sent alone with its route and status; a 2xx leaves nothing', async () => {
    const sink = notKeeping();
    const spans = new HttpRequestSpans({ workflow: 'http', exclude: [] });
    const server = http.createServer((request, response) => {
      spans.routeMatched(request, '/orders/:id');
      response.statusCode = request.url === '/orders/1' ? 200 : 503;
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    spans.attach(server, sink);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await (await fetch(`${url}/orders/1`)).arrayBuffer();
      await (await fetch(`${url}/orders/2`)).arrayBuffer();
      const deadline = Date.now() + 5_000;
      while (sink.sampler.snapshot().keptOnFailure === 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
      assert.equal(sink.recorded.length, 1);
      const root = sink.recorded[0]!;
      assert.equal(root.operation, 'GET /orders/:id');
      assert.equal(root.status, 'failed');
      assert.equal(root.metadata?.['http.status_code'], 503);
      assert.equal(sink.sampler.snapshot().offered, 2);
    } finally {
      spans.detach();
      server.close();
    }
  });
});

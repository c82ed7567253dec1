import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KindStats } from '../../../lib/core/export/export-stats';
import { FALLBACK_WORKFLOW } from '../../../lib/tracing/trace-start';
import { runInSpan, span as runInNewSpan, startSpan } from '../../../lib/tracing/tracer';
import { startTestIngest } from '../../support/start-ingest';
import { clientFor, FAST_RETRIES, quietLogger, span } from './client-harness';

function assertAddsUp(stats: KindStats, when: string): void {
  assert.equal(stats.enqueued, stats.sent + stats.droppedTotal + stats.inQueue + stats.inFlight + stats.held, `${when}: ${JSON.stringify(stats)}`);
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TeracronClient: stats() adds up', () => {
  it('enqueued = sent + dropped + queued + in flight, sampled all through a load test', async (t) => {
    const ingest = await startTestIngest();
    // Each trace request takes a while, so batches are caught in flight.
    ingest.injectFaults({ delayMs: 15, count: Infinity, route: 'traces' });
    // Every span reaches the lane: adaptive sampling would refuse whole traces while the queue is half full.
    const client = clientFor(ingest.domain, { traceAdaptiveSampling: false });
    let samples = 0;
    let inFlightSeen = 0;
    const sample = (when: string) => {
      const stats = client.stats().spans;
      assertAddsUp(stats, when);
      samples++;
      if (stats.inFlight > 0) inFlightSeen++;
    };
    try {
      client.start();
      for (let round = 0; round < 40; round++) {
        for (let i = 0; i < 250; i++) startSpan('load', { sink: client, root: true, metadata: { round, i } }).end();
        sample(`after round ${round}`);
        for (let k = 0; k < 5; k++) {
          await nextTick();
          sample(`round ${round}, tick ${k}`);
        }
      }
      for (let i = 0; i < 100 && client.stats().spans.inQueue + client.stats().spans.inFlight > 0; i++) {
        await client.flush();
        sample(`drain ${i}`);
      }
      const stats = client.stats().spans;
      t.diagnostic(`${samples} samples, ${inFlightSeen} with a batch in flight; ${JSON.stringify(stats)}`);
      assert.equal(stats.enqueued, 10_000);
      assert.equal(stats.inQueue + stats.inFlight, 0);
      assert.ok(inFlightSeen > 0, 'some samples caught a batch in flight');
      assert.equal(ingest.spans().length, stats.sent);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it('enqueued = sent + dropped + queued + in flight + held, with traces open across ticks, cut by the caps and dropped for room', async (t) => {
    const ingest = await startTestIngest();
    ingest.injectFaults({ delayMs: 15, count: Infinity, route: 'traces' });
    // Small caps so cuts happen as well: 12 spans a trace, 300 held in the process.
    const client = clientFor(ingest.domain, { traceAdaptiveSampling: false }, { ...FAST_RETRIES, heldSpans: { perTrace: 12, total: 300 } });
    let heldSeen = 0;
    const sample = (when: string) => {
      const stats = client.stats().spans;
      assertAddsUp(stats, when);
      if (stats.held > 0) heldSeen++;
    };
    try {
      client.start();
      for (let round = 0; round < 30; round++) {
        // 40 traces of 1 + (round % 16) children stay open over a few ticks; their roots end later.
        const roots = Array.from({ length: 40 }, () => startSpan('load', { sink: client, root: true }));
        for (const root of roots) runInSpan(root, () => {
          for (let c = 0; c < 1 + (round % 16); c++) startSpan('step', { sink: client }).end();
        });
        sample(`round ${round}, roots open`);
        for (let k = 0; k < 3; k++) {
          await nextTick();
          sample(`round ${round}, tick ${k}`);
        }
        for (const root of roots) root.end();
        sample(`round ${round}, roots ended`);
      }
      for (let i = 0; i < 100 && client.stats().spans.inQueue + client.stats().spans.inFlight > 0; i++) {
        await client.flush();
        sample(`drain ${i}`);
      }
      const stats = client.stats().spans;
      t.diagnostic(JSON.stringify(stats));
      assert.ok(heldSeen > 0);
      assert.ok((stats.dropped.trace_over_cap ?? 0) > 0 && (stats.dropped.held_full ?? 0) > 0, 'both caps cut traces');
      assert.ok((stats.dropped.queue_full ?? 0) > 0, 'roots found no room for their groups');
      assert.equal(stats.held, 0);
      assert.equal(ingest.spans().length, stats.sent);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it('a 202 whose body says dropped: 2 counts 2 server drops, not 2 sent, with a debug line', async () => {
    const ingest = await startTestIngest();
    const lines: string[] = [];
    const client = clientFor(ingest.domain, { debug: true, logger: quietLogger(lines) });
    try {
      client.start();
      // The client has no rule against these; the ingest refuses a duration over 24 h.
      for (let i = 0; i < 8; i++) client.enqueueSpan(span());
      for (let i = 0; i < 2; i++) client.enqueueSpan(span({ duration_ms: 90_000_000 }));
      await client.flush();
      const [request] = ingest.requests();
      assert.equal(request!.status, 202);
      assert.equal(request!.dropped, 2);
      const stats = client.stats().spans;
      assert.equal(stats.sent, 8);
      assert.deepEqual(stats.dropped, { server_dropped: 2 });
      assertAddsUp(stats, 'after the flush');
      assert.equal(lines.filter((line) => /traces: sent 10 item\(s\); the ingest dropped 2 of them as invalid/.test(line)).length, 1);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it(`an empty, blank or missing workflow never reaches the wire: the span is sent as "${FALLBACK_WORKFLOW}", nothing throws`, async () => {
    const ingest = await startTestIngest();
    const client = clientFor(ingest.domain);
    try {
      client.start();
      assert.equal(runInNewSpan('', { sink: client }, () => 'ran'), 'ran');
      startSpan('', { sink: client }).end();
      startSpan('   ', { sink: client, operation: 'Checkout.pay' }).end();
      startSpan(undefined as unknown as string, { sink: client }).end();
      await client.flush();
      const spans = ingest.spans();
      assert.equal(spans.length, 4);
      assert.deepEqual(spans.map((s) => s.workflow), Array(4).fill(FALLBACK_WORKFLOW));
      assert.deepEqual(spans.map((s) => s.operation).sort(), ['Checkout.pay', FALLBACK_WORKFLOW, FALLBACK_WORKFLOW, FALLBACK_WORKFLOW]);
      assert.equal(client.stats().spans.droppedTotal, 0);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });
});

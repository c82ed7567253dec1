/**
 * A kept trace reaches the ingest whole or not at all (issue 22, item 1): its spans wait for its
 * local root, go to the queue in one all-or-nothing call, and travel in one request when they fit.
 * Real clients, a real ingest decrypting with the test key.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TeracronClient } from '../../../lib/core/client';
import type { KindStats } from '../../../lib/core/export/export-stats';
import type { SpanRecord } from '../../../lib/core/types';
import { runInSpan, span as runInNewSpan, startSpan } from '../../../lib/tracing/tracer';
import { startTestIngest } from '../../support/start-ingest';
import { clientFor, FAST_RETRIES, quietLogger, span as record } from './client-harness';

/** Children of request n: 1 to 4, so traces of 2 to 5 spans (14 a cycle) fall across the batch boundaries of 100. */
const childrenOf = (n: number) => 1 + (n % 4);

/** One request: a root (metadata n) and its children, all ending before the root. */
function serve(client: TeracronClient, n: number): void {
  runInNewSpan('request', { sink: client, root: true, metadata: { n } }, () => {
    for (let i = 0; i < childrenOf(n); i++) runInNewSpan('step', { sink: client, operation: `step ${i}` }, () => i);
  });
}

function byTrace(spans: readonly SpanRecord[]): Map<string, SpanRecord[]> {
  const traces = new Map<string, SpanRecord[]>();
  for (const s of spans) traces.set(s.trace_id, [...(traces.get(s.trace_id) ?? []), s]);
  return traces;
}

/** Why a received trace is not every span this process recorded for it, parent links intact; undefined when it is. */
function incompleteness(spans: readonly SpanRecord[], expectedChildren: (root: SpanRecord) => number): string | undefined {
  const roots = spans.filter((s) => s.parent_span_id === null);
  if (roots.length !== 1) return `${roots.length} roots among ${spans.length} spans`;
  const root = roots[0]!;
  const orphans = spans.filter((s) => s !== root && s.parent_span_id !== root.span_id);
  if (orphans.length > 0) return `${orphans.length} spans not under the root`;
  const expected = expectedChildren(root);
  return spans.length === expected + 1 ? undefined : `${spans.length - 1} of ${expected} children`;
}

function assertAddsUp(stats: KindStats, when: string): void {
  assert.equal(stats.enqueued, stats.sent + stats.droppedTotal + stats.inQueue + stats.inFlight + stats.held, `${when}: ${JSON.stringify(stats)}`);
}

describe('whole traces from one process', () => {
  it('an end-of-load burst that fills the queue, then stop: every trace received is complete', async (t) => {
    // Two trace requests a minute: the final drain sends two batches and the rest is dropped at stop,
    // so a batch boundary inside a trace would leave that trace cut.
    const ingest = await startTestIngest({ rateLimits: { traces: 2 } });
    const client = clientFor(ingest.domain);
    try {
      client.start();
      for (let n = 0; n < 3_000; n++) serve(client, n);
      await client.stop(1_000);
      const stats = client.stats();
      const traces = byTrace(ingest.spans());
      const cut = [...traces.values()].map((spans) => incompleteness(spans, (root) => childrenOf(root.metadata!['n'] as number))).filter((why) => why !== undefined);
      t.diagnostic(`${traces.size} traces received, ${cut.length} incomplete; spans ${JSON.stringify(stats.spans)}; traces ${JSON.stringify(stats.traces)}`);
      assert.ok(traces.size > 20, 'two batches of traces arrived');
      assert.ok(stats.spans.droppedTotal > 0, 'the burst filled the queue');
      assert.deepEqual(cut, []);
      assertAddsUp(stats.spans, 'after stop');
    } finally {
      await client.stop(0);
      await ingest.close();
    }
  });

  it('a trace larger than one request still arrives whole, across requests, its root in the last; smaller ones are never split', async () => {
    const ingest = await startTestIngest();
    const client = clientFor(ingest.domain);
    try {
      client.start();
      runInNewSpan('big', { sink: client, root: true }, () => {
        for (let i = 0; i < 150; i++) runInNewSpan('step', { sink: client }, () => i);
      });
      for (let n = 0; n < 60; n++) serve(client, n);
      await client.flush();
      await ingest.waitFor((server) => server.spans().length === client.stats().spans.sent && client.stats().spans.inQueue === 0);
      const traces = byTrace(ingest.spans());
      const big = [...traces.values()].find((spans) => spans.length > 100)!;
      assert.equal(incompleteness(big, () => 150), undefined);
      for (const spans of traces.values()) if (spans !== big) assert.equal(incompleteness(spans, (root) => childrenOf(root.metadata!['n'] as number)), undefined);
      // Request by request (one at a time, so the ingest stores them in order): a small trace is never split.
      const accepted = ingest.requests().filter((r) => r.route === 'traces' && r.status === 202);
      assert.ok(accepted.length >= 3, `${accepted.length} requests`);
      let offset = 0;
      const carryingBig: number[] = [];
      let bigRootIn = -1;
      accepted.forEach((request, index) => {
        const inRequest = ingest.spans().slice(offset, offset + request.accepted);
        offset += request.accepted;
        for (const [traceId, spans] of byTrace(inRequest)) {
          if (traceId === big[0]!.trace_id) {
            carryingBig.push(index);
            if (spans.some((s) => s.parent_span_id === null)) bigRootIn = index;
            continue;
          }
          assert.equal(spans.length, traces.get(traceId)!.length, `trace ${traceId} split across requests`);
        }
      });
      // The big trace went in two requests, its root in the last of them: a root received means its trace was.
      assert.equal(carryingBig.length, 2);
      assert.equal(bigRootIn, carryingBig[1]);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it('a trace whose root finds no room for all its spans is dropped whole and counted, and leaves its sample window', async () => {
    const ingest = await startTestIngest();
    const client = clientFor(ingest.domain);
    try {
      client.start();
      const root = startSpan('request', { sink: client, root: true });
      runInSpan(root, () => {
        for (let i = 0; i < 5; i++) startSpan('step', { sink: client }).end();
      });
      assert.equal(client.stats().spans.held, 5);
      // Fill the queue (2 000) but for 3 places: the root and its 5 held spans need 6.
      for (let i = 0; i < 1_997; i++) client.enqueueSpan(record());
      root.end();
      const stats = client.stats();
      assert.equal(stats.spans.held, 0);
      assert.equal(stats.spans.dropped.queue_full, 6);
      assert.equal(stats.spans.inQueue, 1_997);
      assert.deepEqual([stats.traces.kept, stats.traces.dropped], [0, 1]);
      assertAddsUp(stats.spans, 'after the group was dropped');
      // The 3 places are still free: a span queued alone takes one.
      client.enqueueSpan(record({ operation: 'alone' }));
      assert.equal(client.stats().spans.inQueue, 1_998);
      await client.flush();
      await ingest.waitFor((server) => server.spans().length === 1_998);
      assert.equal(ingest.spans().filter((s) => s.trace_id === root.traceId).length, 0);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it('a trace past its cap of held spans is cut whole: what it held, its later spans and its root are dropped and counted', async () => {
    const ingest = await startTestIngest();
    const client = clientFor(ingest.domain, {}, { ...FAST_RETRIES, heldSpans: { perTrace: 3 } });
    try {
      client.start();
      const long = startSpan('long', { sink: client, root: true });
      runInSpan(long, () => {
        for (let i = 0; i < 3; i++) startSpan('step', { sink: client }).end();
        assert.equal(client.stats().spans.held, 3);
        startSpan('step', { sink: client }).end(); // the 4th: over the cap
        assert.equal(client.stats().spans.held, 0);
        startSpan('step', { sink: client }).end(); // after the cut
      });
      long.end();
      serve(client, 2); // a trace within the cap: 3 children
      const stats = client.stats();
      assert.equal(stats.spans.dropped.trace_over_cap, 6, JSON.stringify(stats.spans));
      assert.deepEqual([stats.traces.kept, stats.traces.dropped], [1, 1]);
      assertAddsUp(stats.spans, 'after the cut');
      await client.flush();
      await ingest.waitFor((server) => server.spans().length === 4);
      assert.deepEqual(
        ingest.spans().map((s) => s.operation).sort(),
        ['request', 'step 0', 'step 1', 'step 2'],
      );
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it('past the process-wide cap of held spans the trace that would exceed it is cut whole; the others arrive whole', async () => {
    const ingest = await startTestIngest();
    const client = clientFor(ingest.domain, {}, { ...FAST_RETRIES, heldSpans: { total: 5 } });
    try {
      client.start();
      const first = startSpan('first', { sink: client, root: true });
      const second = startSpan('second', { sink: client, root: true });
      runInSpan(first, () => {
        for (let i = 0; i < 3; i++) startSpan('step', { sink: client }).end();
      });
      runInSpan(second, () => {
        for (let i = 0; i < 3; i++) startSpan('step', { sink: client }).end(); // the 6th held span: over the cap
      });
      assert.equal(client.stats().spans.held, 3);
      second.end();
      first.end();
      const stats = client.stats().spans;
      assert.equal(stats.dropped.held_full, 4, JSON.stringify(stats));
      assertAddsUp(stats, 'after the cut');
      await client.flush();
      await ingest.waitFor((server) => server.spans().length === 4);
      const traces = byTrace(ingest.spans());
      assert.deepEqual([...traces.keys()], [first.traceId]);
      assert.equal(incompleteness(traces.get(first.traceId)!, () => 3), undefined);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it('a batch put back for its retry into less room keeps whole traces: the one that does not fit is dropped whole', async () => {
    const ingest = await startTestIngest();
    ingest.injectFaults({ status: 503, delayMs: 20, count: 1, route: 'traces' });
    const client = clientFor(ingest.domain);
    try {
      client.start();
      const roots = [0, 1, 2].map((k) => {
        const root = startSpan('request', { sink: client, root: true, metadata: { k } });
        runInSpan(root, () => {
          for (let i = 0; i < 39; i++) startSpan('step', { sink: client }).end();
        });
        root.end();
        return root;
      });
      const flushing = client.flush();
      // The first two traces (80 spans) are on the wire; the third waits.
      assert.deepEqual([client.stats().spans.inFlight, client.stats().spans.inQueue], [80, 40]);
      for (let i = 0; i < 1_910; i++) client.enqueueSpan(record());
      await flushing; // answered 503: put back into 50 places
      const stats = client.stats().spans;
      assert.equal(stats.dropped.queue_full, 40, JSON.stringify(stats));
      assert.equal(stats.inQueue, 1_990);
      await ingest.waitFor((server) => server.spans().length === 1_990);
      const traces = byTrace(ingest.spans());
      assert.deepEqual(
        roots.map((root) => traces.get(root.traceId)?.length ?? 0),
        [40, 0, 40],
      );
      for (const root of [roots[0]!, roots[2]!]) assert.equal(incompleteness(traces.get(root.traceId)!, () => 39), undefined);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it('a root that never ends: its held spans are dropped whole (never_ended) once the oldest is 9 minutes old, and so is the root if it ends after', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: Date.now() });
    const ingest = await startTestIngest();
    const client = clientFor(ingest.domain);
    try {
      client.start();
      const forgotten = startSpan('forgotten', { sink: client, root: true });
      runInSpan(forgotten, () => {
        for (let i = 0; i < 7; i++) startSpan('step', { sink: client }).end();
      });
      t.mock.timers.tick(8 * 60_000);
      assert.equal(client.stats().spans.held, 7, 'still held at 8 minutes');
      t.mock.timers.tick(60_000 + 250);
      let stats = client.stats();
      assert.deepEqual([stats.spans.held, stats.spans.dropped.never_ended], [0, 7], JSON.stringify(stats.spans));
      assertAddsUp(stats.spans, 'after the sweep');
      forgotten.end();
      stats = client.stats();
      assert.deepEqual([stats.spans.dropped.never_ended, stats.spans.inQueue, stats.traces.dropped], [8, 0, 1]);
      assertAddsUp(stats.spans, 'after the root ended');
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it('a root discarded after it started (an excluded route) takes what its trace held with it, and its later spans', async () => {
    const ingest = await startTestIngest();
    const client = clientFor(ingest.domain);
    try {
      client.start();
      const root = startSpan('request', { sink: client, root: true });
      const late = runInSpan(root, () => {
        for (let i = 0; i < 2; i++) startSpan('step', { sink: client }).end();
        return startSpan('background', { sink: client });
      });
      root.discard();
      late.end();
      serve(client, 0);
      const stats = client.stats().spans;
      assert.deepEqual([stats.held, stats.dropped.root_discarded, stats.inQueue], [0, 3, 2], JSON.stringify(stats));
      assertAddsUp(stats, 'after the discard');
      await client.flush();
      await ingest.waitFor((server) => server.spans().length === 2);
      assert.equal(ingest.spans().filter((s) => s.trace_id === root.traceId).length, 0);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it('a child that ends after its root (fire-and-forget) is queued alone, under its root', async () => {
    const ingest = await startTestIngest();
    const client = clientFor(ingest.domain);
    try {
      client.start();
      const root = startSpan('request', { sink: client, root: true });
      const late = runInSpan(root, () => startSpan('background', { sink: client }));
      root.end();
      assert.equal(client.stats().spans.inQueue, 1);
      late.end();
      assert.equal(client.stats().spans.inQueue, 2);
      await client.flush();
      await ingest.waitFor((server) => server.spans().length === 2);
      const spans = ingest.spans();
      const sentRoot = spans.find((s) => s.operation === 'request')!;
      assert.equal(spans.find((s) => s.operation === 'background')!.parent_span_id, sentRoot.span_id);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it('spans of a trace still open at stop: counted as held, said in the stop warning, dropped at shutdown when the root ends', async () => {
    const ingest = await startTestIngest();
    const lines: string[] = [];
    const client = clientFor(ingest.domain, { logger: quietLogger(lines) });
    try {
      client.start();
      const open = startSpan('open', { sink: client, root: true });
      runInSpan(open, () => {
        for (let i = 0; i < 4; i++) startSpan('step', { sink: client }).end();
      });
      serve(client, 0);
      await client.stop(1000);
      let stats = client.stats().spans;
      assert.equal(stats.held, 4);
      assertAddsUp(stats, 'after stop');
      assert.equal(lines.filter((line) => line.startsWith('warn stopped with 4 span(s) of traces still open')).length, 1, lines.join('\n'));
      open.end();
      stats = client.stats().spans;
      assert.deepEqual([stats.held, stats.dropped.shutdown], [0, 4]);
      assertAddsUp(stats, 'after the open root ended');
      assert.equal(ingest.spans().filter((s) => s.trace_id === open.traceId).length, 0);
    } finally {
      await ingest.close();
    }
  });
});

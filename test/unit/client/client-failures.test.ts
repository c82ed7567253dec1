import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { IngestServer } from '../../../lib/ingest/ingest-server';
import { startTestIngest } from '../../support/start-ingest';
import { TEST_SLUG } from '../../support/test-keys';
import { startSpan } from '../../../lib/tracing/tracer';
import { refusingLoopback } from '../../support/closed-loopback';
import { clientFor, span, until } from './client-harness';

/** Lets `count` rounds of real I/O callbacks and promise jobs run (setImmediate is never mocked here). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('TeracronClient: when the ingest misbehaves', () => {
  it('503 three times then 202: nothing is lost', async () => {
    const ingest = await startTestIngest();
    const client = clientFor(ingest.domain);
    try {
      client.start();
      ingest.injectFaults({ status: 503, count: 3, route: 'traces' });
      for (let i = 0; i < 10; i++) client.enqueueSpan(span());
      await client.flush();
      await ingest.waitFor((s) => s.spans().length === 10, 10_000);
      await until(() => client.stats().spans.sent === 10);
      const statuses = ingest.requests().filter((r) => r.route === 'traces').map((r) => r.status);
      assert.deepEqual(statuses, [503, 503, 503, 202]);
      const stats = client.stats().spans;
      assert.equal(stats.sent, 10);
      assert.equal(stats.retried, 30);
      assert.equal(stats.droppedTotal, 0);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it('429 with Retry-After: 1 is not retried sooner', async () => {
    const ingest = await startTestIngest();
    const client = clientFor(ingest.domain);
    try {
      client.start();
      ingest.injectFaults({ status: 429, retryAfter: 1, route: 'traces' });
      client.enqueueSpan(span());
      await client.flush();
      await ingest.waitFor((s) => s.spans().length === 1, 10_000);
      const [limited, accepted] = ingest.requests().filter((r) => r.route === 'traces');
      assert.equal(limited!.status, 429);
      assert.equal(accepted!.status, 202);
      assert.ok(accepted!.receivedAt - limited!.receivedAt >= 990, `retried after ${accepted!.receivedAt - limited!.receivedAt} ms`);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  for (const status of [401, 413]) {
    it(`${status} drops the batch, counts it and never retries`, async () => {
      const ingest = await startTestIngest();
      const client = clientFor(ingest.domain);
      try {
        client.start();
        ingest.injectFaults({ status, route: 'traces' });
        for (let i = 0; i < 5; i++) client.enqueueSpan(span());
        // flush() resolves once the answer is classified: a batch meant for a retry would still be
        // queued (inQueue) and counted as retried by then.
        await client.flush();
        const traceRequests = ingest.requests().filter((r) => r.route === 'traces');
        assert.equal(traceRequests.length, 1);
        const stats = client.stats().spans;
        assert.equal(stats.dropped[`rejected_${status}`], 5);
        assert.equal(stats.retried, 0);
        assert.equal(stats.inQueue, 0);
      } finally {
        await client.stop(1000);
        await ingest.close();
      }
    });
  }

  it('an ingest holding another key answers 401: the batch is dropped and counted, not retried', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const ingest = await IngestServer.start({ projects: [{ slug: TEST_SLUG, privateKey: other }], rateLimits: false });
    const client = clientFor(ingest.domain);
    try {
      client.start();
      for (let i = 0; i < 3; i++) client.enqueueSpan(span());
      await client.flush();
      assert.deepEqual(ingest.requests().map((r) => r.status), [401]);
      assert.equal(client.stats().spans.dropped.rejected_401, 3);
      assert.equal(client.stats().spans.inQueue, 0, 'nothing is left to retry');
      assert.equal(client.stats().spans.retried, 0);
      assert.equal(ingest.spans().length, 0);
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it('a redirect is not followed: the batch is dropped', async () => {
    const ingest = await startTestIngest();
    const redirector = http.createServer((req, res) => {
      req.resume();
      res.writeHead(307, { location: `${ingest.origin}${req.url}` }).end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    const client = clientFor(`127.0.0.1:${(redirector.address() as AddressInfo).port}`);
    try {
      client.start();
      client.enqueueSpan(span());
      await client.flush();
      assert.equal(client.stats().spans.dropped.rejected_307, 1);
      assert.equal(ingest.requests().length, 0);
    } finally {
      await client.stop(1000);
      redirector.close();
      await ingest.close();
    }
  });

  it('an unreachable ingest keeps memory bounded and counts what it drops', async () => {
    const unreachable = await refusingLoopback();
    const client = clientFor(unreachable.domain);
    try {
      client.start();
      for (let i = 0; i < 100_000; i++) client.enqueueSpan(span());
      await client.flush();
      const stats = client.stats().spans;
      assert.equal(stats.enqueued, 100_000);
      assert.ok(stats.inQueue <= 2_000, `${stats.inQueue} spans held`);
      assert.equal(stats.inQueue + stats.droppedTotal, 100_000);
      assert.ok((stats.dropped.queue_full ?? 0) >= 98_000);
      assert.ok(stats.retried > 0, 'the failed batch waits for a retry');
    } finally {
      await client.stop(500);
      assert.equal(client.stats().spans.inQueue, 0);
      await unreachable.close();
    }
  });

  it('a span that ends while the queue is full is counted as dropped and never built (the scrubber sees only queued spans)', async () => {
    let scrubbed = 0;
    const unreachable = await refusingLoopback();
    // The lane's own bound, with adaptive sampling off (with it on, whole traces are refused before the queue fills).
    const client = clientFor(unreachable.domain, {
      traceAdaptiveSampling: false,
      tracingScrubber: (data) => {
        scrubbed++;
        return data;
      },
    });
    try {
      client.start();
      for (let i = 0; i < 5_000; i++) startSpan('payment', { sink: client, root: true, metadata: { attempt: i } }).end();
      const stats = client.stats().spans;
      assert.equal(stats.enqueued, 5_000);
      assert.equal(stats.inQueue + (stats.dropped.queue_full ?? 0), 5_000);
      assert.equal(stats.inQueue, 2_000, 'the queue holds its bound');
      assert.equal(scrubbed, 2_000, 'only the spans that were queued went through the scrubber');
    } finally {
      await client.stop(500);
      await unreachable.close();
    }
  });

  it('stop() returns within its deadline when the ingest hangs', async () => {
    const ingest = await startTestIngest();
    const client = clientFor(ingest.domain);
    try {
      client.start();
      ingest.injectFaults({ hang: true, count: Infinity });
      for (let i = 0; i < 250; i++) client.enqueueSpan(span());
      void client.flush();
      await ingest.waitFor((s) => s.requests().length >= 1);
      // The deadline is a timer: mocked, so the test reads when stop() resolves, not how long a loaded machine took.
      mock.timers.enable({ apis: ['setTimeout', 'Date'] });
      let stopped = false;
      const stopping = client.stop(800).then(() => (stopped = true));
      await turns(20);
      mock.timers.tick(799);
      await turns(20);
      assert.equal(stopped, false, 'stop() waits for the flush until its deadline');
      mock.timers.tick(1);
      await stopping;
      assert.equal(client.stats().spans.dropped.shutdown, 250);
    } finally {
      mock.timers.reset();
      await ingest.close();
    }
  });
});

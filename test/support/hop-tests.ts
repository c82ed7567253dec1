/**
 * The tests every microservice transport must pass, shared by the transport suites (Nest 12 and
 * 11): send() and emit() inside an HTTP request of service A put A's request span, A's client
 * span, B's handler span and B's @Trace child into one trace, with the payload unchanged; where a
 * transport carries no trace, the hop degrades quietly.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { callAcrossTheHop, callWithoutCarrying, PAYLOAD, ServiceBController, type HopTrace, type ServicePair } from './microservice-pair';
import type { CapturedLogger } from './nest-apps';

function assertOneTrace(trace: HopTrace): void {
  const { request, client, handler, child } = trace;
  assert.equal(client.parent_span_id, request.span_id, "A's client span hangs under A's request span");
  assert.equal(handler.parent_span_id, client.span_id, "B's handler span hangs under A's client span");
  assert.equal(child.parent_span_id, handler.span_id, "B's @Trace child hangs under B's handler span");
  assert.equal(client.status, 'succeeded');
  assert.equal(handler.status, 'succeeded');
}

/** Declares the send() and emit() tests; `running()` gives the suite's ingest and service pair once started. */
export function itCarriesTheTraceAcrossTheHop(running: () => { ingest: IngestServer; pair: ServicePair }): void {
  it('send(): one trace from A request to B @Trace child, the payload unchanged', async () => {
    const { ingest, pair } = running();
    const { body, trace } = await callAcrossTheHop(ingest, pair, 'send');
    assert.deepEqual(body, { price: PAYLOAD.qty * 10, echo: PAYLOAD });
    assert.deepEqual(ServiceBController.received.at(-1), PAYLOAD);
    assertOneTrace(trace);
  });

  it('emit(): one trace from A request to B @Trace child, the payload unchanged', async () => {
    const { ingest, pair } = running();
    const { trace } = await callAcrossTheHop(ingest, pair, 'emit');
    assert.deepEqual(ServiceBController.events.at(-1), PAYLOAD);
    assertOneTrace(trace);
  });
}

/**
 * Declares the tests of a transport that carries no trace (Nest 11's TCP and Redis, which have no
 * packet metadata): A still records its client span under the request; B's handler starts a
 * trace of its own (a root, its @Trace child under it); the payload is unchanged; and calls
 * neither throw nor log: `logger` is both services' Nest logger.
 */
export function itDegradesWithoutCarryingTheTrace(running: () => { ingest: IngestServer; pair: ServicePair; logger: CapturedLogger }): void {
  for (const kind of ['send', 'emit'] as const) {
    it(`${kind}(): A's client span under A's request; B's handler a root of its own trace; the payload unchanged`, async () => {
      const { ingest, pair } = running();
      const { body, hop } = await callWithoutCarrying(ingest, pair, kind);
      if (kind === 'send') {
        assert.deepEqual(body, { price: PAYLOAD.qty * 10, echo: PAYLOAD });
        assert.deepEqual(ServiceBController.received.at(-1), PAYLOAD);
      } else {
        assert.deepEqual(body, { emitted: true });
        assert.deepEqual(ServiceBController.events.at(-1), PAYLOAD);
      }
      assert.equal(hop.client.parent_span_id, hop.request.span_id, "A's client span hangs under A's request span");
      assert.equal(hop.client.status, 'succeeded');
      assert.equal(hop.handler.parent_span_id, null, "B's handler span is a root: nothing was carried");
      assert.notEqual(hop.handler.trace_id, hop.request.trace_id);
      assert.equal(hop.handler.status, 'succeeded');
      assert.equal(hop.child.parent_span_id, hop.handler.span_id, "B's @Trace child hangs under B's handler span");
    });
  }

  it('ten calls more (five send(), five emit()) log no line and all answer', async () => {
    const { pair, logger } = running();
    // A first call connects A's client, which Nest itself logs once ("Connected to MQTT broker").
    for (const kind of ['send', 'emit'] as const) await (await fetch(`${pair.a.url}/${kind}`)).arrayBuffer();
    const before = logger.lines.length;
    assert.ok(before > 0, 'the logger is the one Nest logs to (it has its start-up lines)');
    for (let call = 0; call < 5; call++) {
      for (const kind of ['send', 'emit'] as const) {
        const response = await fetch(`${pair.a.url}/${kind}`);
        assert.equal(response.status, 200, await response.text());
      }
    }
    assert.deepEqual(logger.lines.slice(before), []);
    assert.deepEqual(ServiceBController.received.at(-1), PAYLOAD);
  });
}

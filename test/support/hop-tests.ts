/**
 * The two tests every microservice transport must pass, shared by the transport suites: send()
 * and emit() inside an HTTP request of service A put A's request span, A's client span, B's
 * handler span and B's @Trace child into one trace, with the payload unchanged.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { callAcrossTheHop, PAYLOAD, ServiceBController, type HopTrace, type ServicePair } from './microservice-pair';

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

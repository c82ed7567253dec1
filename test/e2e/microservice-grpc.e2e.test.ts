/**
 * One trace across a gRPC hop (@grpc/grpc-js, pure JS, on loopback; no broker): an HTTP request in
 * A calls B's `PricingService.Quote` through `ClientGrpcProxy.getService()`; the ingest holds
 * A's request span → A's client span → B's handler span → B's `@Trace` child; the trace rides in a
 * copy of the call metadata, the request message and the caller's own metadata stay as they were.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { itCarriesTheTraceOverGrpc, startGrpcPair, type GrpcPair } from '../support/grpc-pair';
import { responseTraceIds } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';

describe('a microservice hop over gRPC', () => {
  let ingest: IngestServer;
  let pair: GrpcPair;

  before(async () => {
    ingest = await startTestIngest();
    pair = await startGrpcPair(ingest);
  });

  after(async () => {
    await pair?.close();
    await ingest?.close();
  });

  itCarriesTheTraceOverGrpc(() => ({ ingest, pair }));

  // Nest 12 opens B's span on the call's arrival, before its guards run.
  it("a guard's refusal fails B's span for the call, in A's trace, with Nest's RpcException", async () => {
    const response = await fetch(`${pair.a.url}/refused`);
    assert.deepEqual(await response.json(), { refused: 'Forbidden resource' });
    const { traceId } = responseTraceIds(response);
    const inTrace = () => ingest.spans().filter((s) => s.trace_id === traceId);
    const refused = () => inTrace().find((s) => s.workflow === 'rpc' && s.operation === 'PricingService.Refuse' && s.metadata?.['rpc.kind'] === undefined);
    await ingest.waitFor(() => refused() !== undefined && inTrace().some((s) => s.operation === 'GET /refused'), 15_000);
    const span = refused()!;
    const client = inTrace().find((s) => s.metadata?.['rpc.kind'] === 'grpc' && s.operation === 'PricingService.Refuse')!;
    assert.equal(span.parent_span_id, client.span_id);
    assert.equal(span.status, 'failed');
    assert.equal(span.error_type, 'RpcException');
    assert.equal(span.error_message, 'Forbidden resource');
  });
});

/**
 * One trace across a gRPC hop (@grpc/grpc-js, pure JS, on loopback; no broker): an HTTP request in
 * A calls B's `PricingService.Quote` through `ClientGrpcProxy.getService()`; the ingest holds
 * A's request span → A's client span → B's handler span → B's `@Trace` child; the trace rides in a
 * copy of the call metadata, the request message and the caller's own metadata stay as they were.
 */
import { after, before, describe } from 'node:test';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { itCarriesTheTraceOverGrpc, startGrpcPair, type GrpcPair } from '../support/grpc-pair';
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
});

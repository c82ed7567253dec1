/**
 * An inbound X-Teracron-Trace continues that trace: the request span's parent is the caller's
 * span, and the sampling decision is the one the trace id gives (vectors/sampling.json at rate
 * 0.5), for the request and everything under it. The response header names the trace either way.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, Injectable, Module, Param } from '@nestjs/common';
import { TeracronClient } from '../../lib/core/client';
import type { SpanRecord } from '../../lib/core/types';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { Trace } from '../../lib/tracing/trace.decorator';
import { PLATFORMS, responseTraceIds, startNestApp, type RunningNestApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { readVector } from '../support/vectors';
import { httpInterceptor } from '../support/http-interceptor-mode';

const WAIT_MS = 10_000;
const CALLER_SPAN = '00f067aa0ba902b7a3ce929d0e0e4736';

interface SamplingVectors {
  cases: Array<{ trace_id: string; sampled: Record<string, boolean> }>;
}

@Injectable()
class StockService {
  @Trace('inventory')
  async reserve(sku: string): Promise<string> {
    await new Promise((resolve) => setImmediate(resolve));
    return `reserved-${sku}`;
  }
}

@Controller('stock')
class StockController {
  constructor(private readonly stock: StockService) {}

  @Get(':sku')
  reserve(@Param('sku') sku: string): Promise<string> {
    return this.stock.reserve(sku);
  }
}

function appModule(domain: string): new () => unknown {
  @Module({
    imports: [TeracronModule.forRoot({ apiKey: testApiKey(), domain, httpInterceptor, traceFlushIntervalSeconds: 1, traceSampleRate: 0.5 })],
    controllers: [StockController],
    providers: [StockService],
  })
  class ContinuationAppModule {}
  return ContinuationAppModule;
}

const { cases } = readVector<SamplingVectors>('sampling.json');
const sampledIds = cases.filter((c) => c.sampled['0.5'] === true).slice(0, 8).map((c) => c.trace_id);
const droppedIds = cases.filter((c) => c.sampled['0.5'] === false).slice(0, 8).map((c) => c.trace_id);

for (const platform of PLATFORMS) {
  describe(`inbound trace continuation on ${platform}`, () => {
    let ingest: Awaited<ReturnType<typeof startTestIngest>>;
    let running: RunningNestApp;

    before(async () => {
      ingest = await startTestIngest();
      running = await startNestApp(appModule(ingest.domain), platform);
    });

    after(async () => {
      await running?.close();
      await ingest?.close();
    });

    const spansOf = (traceId: string): SpanRecord[] => ingest.spans().filter((span) => span.trace_id === traceId);

    async function getWithHeader(header: string | undefined): Promise<Response> {
      const response = await fetch(`${running.url}/stock/sku-1`, { headers: header === undefined ? {} : { 'X-Teracron-Trace': header } });
      await response.arrayBuffer();
      assert.equal(response.status, 200);
      return response;
    }

    it('continues each trace and honours its sampling decision at rate 0.5', async () => {
      assert.equal(sampledIds.length, 8);
      assert.equal(droppedIds.length, 8);
      for (const traceId of [...sampledIds, ...droppedIds]) {
        const response = await getWithHeader(`${traceId}:${CALLER_SPAN}`);
        assert.equal(responseTraceIds(response).traceId, traceId, 'the response header names the inbound trace');
      }
      await ingest.waitFor(() => sampledIds.every((id) => spansOf(id).length === 2), WAIT_MS);
      await running.app.get(TeracronClient).flush();

      for (const traceId of sampledIds) {
        const spans = spansOf(traceId);
        const root = spans.find((span) => span.operation === 'GET /stock/:sku');
        const child = spans.find((span) => span.operation === 'StockService.reserve');
        assert.equal(root?.parent_span_id, CALLER_SPAN, 'the request span continues under the caller span');
        assert.equal(child?.parent_span_id, root?.span_id);
      }
      for (const traceId of droppedIds) {
        assert.deepEqual(spansOf(traceId), [], `trace ${traceId} is not sampled at 0.5: nothing of it is recorded`);
      }
    });

    it('starts a new trace for the next request without a header', async () => {
      const continued = await getWithHeader(`${sampledIds[0]}:${CALLER_SPAN}`);
      const fresh = await getWithHeader(undefined);
      const freshTrace = responseTraceIds(fresh).traceId;
      assert.notEqual(freshTrace, responseTraceIds(continued).traceId);
      assert.match(freshTrace, /^[0-9a-f]{32}$/);
    });

    it('ignores a malformed header and starts a new trace', async () => {
      const response = await getWithHeader('not-a-trace-id');
      const { traceId } = responseTraceIds(response);
      assert.match(traceId, /^[0-9a-f]{32}$/);
      assert.notEqual(traceId, 'not-a-trace-id');
    });
  });
}

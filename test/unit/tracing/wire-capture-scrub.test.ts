import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TeracronConfigError } from '../../../lib/core/config/config-error';
import { Capture } from '../../../lib/tracing/capture.decorator';
import { Trace } from '../../../lib/tracing/trace.decorator';
import { span as traced } from '../../../lib/tracing/tracer';
import type { IngestServer } from '../../../lib/ingest/ingest-server';
import { withClient } from '../../support/client-with-ingest';

const SECRET_CARD = '4111-1111-1111-1111';
const SECRET_CVV = 'cvv-987';

class Checkout {
  @Trace('payment', { capture: ['orderId', 'amount'] })
  async pay(orderId: string, amount = 100, card: string = SECRET_CARD, cvv?: string): Promise<string> {
    return `${orderId}:${amount}:${card.length}:${cvv ?? ''}`;
  }

  @Trace('payment')
  refund(@Capture() orderId: string, secret: string, @Capture('reason_code') reason = 'dup'): string {
    return `${orderId}:${secret.length}:${reason}`;
  }
}

function rawBytesSeen(ingest: IngestServer): string {
  return JSON.stringify([ingest.spans(), ingest.events()]);
}

describe('capture and scrubbing, as the ingest receives them', () => {
  it('captures whitelisted parameters only: by name (with defaults) and by @Capture()', async () => {
    await withClient({ traceEmitEvents: true }, async (ingest, client) => {
      const checkout = new Checkout();
      await checkout.pay('ORD-1', undefined, SECRET_CARD, SECRET_CVV);
      await checkout.pay('ORD-2', 42.5);
      checkout.refund('ORD-3', SECRET_CVV);
      checkout.refund('ORD-4', SECRET_CVV, 'fraud');
      await client.flush();
      await ingest.waitFor((s) => s.spans().length === 4);
      const captured = ingest.spans().map((s) => s.captured_params);
      // An argument left to its default is not evaluated by us: it is omitted rather than guessed.
      assert.deepEqual(captured, [{ orderId: 'ORD-1' }, { orderId: 'ORD-2', amount: 42.5 }, { orderId: 'ORD-3' }, { orderId: 'ORD-4', reason_code: 'fraud' }]);
      const seen = rawBytesSeen(ingest);
      assert.ok(!seen.includes(SECRET_CARD) && !seen.includes(SECRET_CVV), 'non-whitelisted values never reach the ingest');
    });
  });

  it('an unknown name in capture is a clear error at decoration time', () => {
    assert.throws(
      () => {
        class Broken {
          @Trace('payment', { capture: ['orderid'] })
          pay(orderId: string): string {
            return orderId;
          }
        }
        return Broken;
      },
      (error: unknown) => error instanceof TeracronConfigError && /Broken\.pay: cannot capture "orderid": the method's parameters are "orderId"/.test(error.message),
    );
  });

  it('the scrubber removes keys; a throwing or non-object scrubber drops the data; the caller object is unchanged', async () => {
    const scrubber = (data: Record<string, unknown>, field: string) => {
      if (data.mode === 'throw') throw new Error('scrubber failed');
      if (data.mode === 'string') return 'nope' as unknown as Record<string, unknown>;
      const { email: _removed, ...rest } = data;
      return field === 'metadata' ? rest : data;
    };
    await withClient({ tracingScrubber: scrubber }, async (ingest, client) => {
      const metadata = { mode: 'keep', email: 'a@b.c', plan: 'pro' };
      const before = structuredClone(metadata);
      traced('payment', { operation: 'keep' }, (span) => span.setMetadata(metadata));
      traced('payment', { operation: 'throw' }, (span) => span.setMetadata({ mode: 'throw', email: 'a@b.c' }));
      traced('payment', { operation: 'string' }, (span) => span.setMetadata({ mode: 'string', email: 'a@b.c' }));
      await client.flush();
      await ingest.waitFor((s) => s.spans().length === 3);
      const byOp = new Map(ingest.spans().map((s) => [s.operation, s]));
      // sample_rate is written after the scrubber (a root's count must survive any scrubber).
      assert.deepEqual(byOp.get('keep')!.metadata, { mode: 'keep', plan: 'pro', sample_rate: 1 });
      assert.deepEqual(byOp.get('throw')!.metadata, { sample_rate: 1 });
      assert.deepEqual(byOp.get('string')!.metadata, { sample_rate: 1 });
      assert.deepEqual(metadata, before);
      assert.ok(!rawBytesSeen(ingest).includes('a@b.c'));
    });
  });
});

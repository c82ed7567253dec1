/**
 * The scrubber sees every user-supplied value that leaves the process, checked at a real ingest
 * that decrypts what it receives: span metadata, captured parameters (nested objects included),
 * event metadata and error messages. A scrubber whose answer cannot be used drops that field
 * only: the span and its events still arrive, the failure is counted and said once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TracingScrubberField } from '../../../lib/core/config/options';
import type { IngestServer } from '../../../lib/ingest/ingest-server';
import { Trace } from '../../../lib/tracing/trace.decorator';
import { emitEvent, span as traced } from '../../../lib/tracing/tracer';
import { withClient } from '../../support/client-with-ingest';

const CARD = '4111 1111 1111 1111';

// The README's scrubber, as a user would copy it (Scrubbing).
const SECRET_KEYS = new Set(['card_number', 'email']);
const CARD_NUMBER = /\b\d(?:[ -]?\d){12,18}\b/g;

function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !SECRET_KEYS.has(key)).map(([key, item]) => [key, withoutSecrets(item)]));
}

class PiiScrubber {
  scrub(data: Record<string, unknown>, field: TracingScrubberField) {
    if (field === 'error') return { ...data, message: String(data.message).replace(CARD_NUMBER, '[card number]') };
    return withoutSecrets(data) as Record<string, unknown>;
  }
}

class Checkout {
  @Trace('payment', { capture: ['order'] })
  async pay(order: { id: string; card_number: string; billing: { zip: string; card_number: string } }): Promise<void> {
    traced('payment', { operation: 'authorize' }, (span) => span.setMetadata({ card_number: order.card_number, plan: 'pro' }));
    emitEvent('retry', { severity: 'warning', metadata: { card_number: order.card_number, attempt: 2 } });
    emitEvent('retry', { error: new Error(`gateway refused card ${order.card_number}`) });
    throw new Error(`card ${order.card_number} declined`);
  }
}

function bytesSeen(ingest: IngestServer): string {
  return JSON.stringify([ingest.spans(), ingest.events()]);
}

describe('the scrubber at the ingest', () => {
  it('a README-style scrubber removes card_number from span metadata, nested captured objects, event metadata and error messages', async () => {
    const scrubber = new PiiScrubber();
    await withClient({ traceEmitEvents: true, tracingScrubber: (data, field) => scrubber.scrub(data, field) }, async (ingest, client) => {
      const order = { id: 'ORD-7', card_number: CARD, billing: { zip: '75001', card_number: CARD } };
      await assert.rejects(new Checkout().pay(order), /declined/);
      assert.equal(order.billing.card_number, CARD, "the caller's objects are never changed");
      await client.flush();
      await ingest.waitFor((s) => s.spans().length === 2 && s.events().length === 6);

      assert.ok(!bytesSeen(ingest).replace(/\s/g, '').includes(CARD.replace(/\s/g, '')), 'the card number reached the ingest nowhere');
      const pay = ingest.spans().find((s) => s.operation === 'Checkout.pay')!;
      const authorize = ingest.spans().find((s) => s.operation === 'authorize')!;
      assert.deepEqual(authorize.metadata, { plan: 'pro' });
      assert.deepEqual(JSON.parse(String(pay.captured_params?.order)), { id: 'ORD-7', billing: { zip: '75001' } });
      assert.equal(pay.error_message, 'card [card number] declined');
      assert.equal(pay.error_type, 'Error');
      const retries = ingest.events().filter((e) => e.type === 'retry');
      assert.deepEqual(retries[0]!.metadata, { attempt: 2 });
      assert.equal(retries[1]!.error_message, 'gateway refused card [card number]');
      assert.equal(ingest.events().find((e) => e.type === 'workflow_failed')!.error_message, 'card [card number] declined');
      assert.equal(client.stats().scrubber.failures, 0);
    });
  });

  it('a hostile scrubber result drops that field, keeps the span and its events, is counted, and is said once without the data', async () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
        get() {
          throw new Error('no values');
        },
      },
    );
    const answers: Record<TracingScrubberField, () => unknown> = {
      metadata: () => hostile,
      captured_params: () => {
        throw new Error(`scrubber crashed on ${CARD}`);
      },
      event_metadata: () => 'not an object',
      error: () => Promise.resolve({ message: 'later' }),
    };
    const warnings: string[] = [];
    const logger = { debug() {}, warn: (line: string) => warnings.push(line), error: (line: string) => warnings.push(line) };
    await withClient({ traceEmitEvents: true, logger, tracingScrubber: (_data, field) => answers[field]() as Record<string, unknown> }, async (ingest, client) => {
      const order = { id: 'ORD-8', card_number: CARD, billing: { zip: '75001', card_number: CARD } };
      await assert.rejects(new Checkout().pay(order), /declined/);
      await client.flush();
      await ingest.waitFor((s) => s.spans().length === 2 && s.events().length === 6);

      const pay = ingest.spans().find((s) => s.operation === 'Checkout.pay')!;
      const authorize = ingest.spans().find((s) => s.operation === 'authorize')!;
      assert.equal(pay.status, 'failed', 'the span is kept, still failed');
      assert.equal(pay.captured_params, null);
      assert.equal(pay.error_message, null);
      assert.equal(pay.error_type, null);
      assert.equal(authorize.metadata, null);
      const retries = ingest.events().filter((e) => e.type === 'retry');
      assert.equal(retries.length, 2, 'the events are kept');
      assert.equal(retries[0]!.metadata, undefined);
      assert.equal(retries[1]!.error_message, undefined);
      assert.ok(!bytesSeen(ingest).replace(/\s/g, '').includes(CARD.replace(/\s/g, '')));
      // authorize's metadata, pay's captured_params, the first retry's event_metadata, and the error
      // of pay and of the second retry (workflow_failed carries pay's error as scrubbed once).
      assert.equal(client.stats().scrubber.failures, 5);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0]!, /scrubber .*stats\(\)\.scrubber\.failures/);
      assert.ok(!warnings[0]!.includes('4111'), 'the warning names no data');
    });
  });

  it('the scrubber may change nested captured objects in place: it holds our copy, never the caller\'s', async () => {
    const scrubber = (data: Record<string, unknown>, field: TracingScrubberField) => {
      if (field === 'captured_params') delete (data.order as { billing: { card_number?: string } }).billing.card_number;
      return data;
    };
    await withClient({ tracingScrubber: scrubber }, async (ingest, client) => {
      const order = { id: 'ORD-9', card_number: 'top-level stays', billing: { zip: '75001', card_number: CARD } };
      await assert.rejects(new Checkout().pay(order));
      assert.equal(order.billing.card_number, CARD);
      await client.flush();
      await ingest.waitFor((s) => s.spans().length === 2);
      const pay = ingest.spans().find((s) => s.operation === 'Checkout.pay')!;
      assert.deepEqual(JSON.parse(String(pay.captured_params?.order)), { id: 'ORD-9', card_number: 'top-level stays', billing: { zip: '75001' } });
    });
  });
});

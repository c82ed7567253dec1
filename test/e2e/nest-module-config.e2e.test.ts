/**
 * Configuring the module the Nest way: forRootAsync with ConfigModule/ConfigService (useFactory)
 * and with an options class (useClass); TeracronScrubber as a class with an injected dependency,
 * winning over the tracingScrubber option; TeracronTracer injected into a service.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Injectable, Module, Param, Post } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import type { SpanRecord } from '../../lib/core/types';
import { InjectTeracronScrubber, TeracronScrubber } from '../../lib/nest/teracron.constants';
import type { TeracronOptionsFactory } from '../../lib/nest/teracron.module-definition';
import { TeracronModule } from '../../lib/nest/teracron.module';
import type { TeracronModuleOptions } from '../../lib/nest/teracron-module-options';
import { TeracronTracer } from '../../lib/tracing/tracer';
import { PLATFORMS, responseTraceIds, startNestApp, type RunningNestApp } from '../support/nest-apps';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';

const WAIT_MS = 10_000;
const CARD_NUMBER = '4242424242424242';

/** The scrubber's own dependency: which keys must never leave the process. */
@Injectable()
class RedactionPolicy {
  readonly forbidden: readonly string[] = ['card_number'];
}

@Injectable()
class CardScrubber implements TeracronScrubber {
  constructor(private readonly policy: RedactionPolicy) {}

  scrub(data: Record<string, unknown>): Record<string, unknown> {
    const kept = { ...data };
    for (const key of this.policy.forbidden) delete kept[key];
    return kept;
  }
}

@Injectable()
class PaymentsService {
  constructor(private readonly tracer: TeracronTracer) {}

  charge(orderId: string): string {
    return this.tracer.span('payment', { operation: 'PaymentsService.charge', metadata: { card_number: CARD_NUMBER, customer: 'c-17', order_id: orderId } }, () => `charged-${orderId}`);
  }
}

@Controller('payments')
class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post(':orderId')
  charge(@Param('orderId') orderId: string): string {
    return this.payments.charge(orderId);
  }
}

/** Reads back what was provided as TeracronScrubber, the way a test of the user's own would. */
@Injectable()
class ScrubberProbe {
  constructor(@InjectTeracronScrubber() readonly scrubber: TeracronScrubber) {}
}

/** Removes `customer`: it must not run, because TeracronScrubber is provided. */
const optionScrubber = (data: Record<string, unknown>): Record<string, unknown> => {
  const { customer: _dropped, ...rest } = data;
  return rest;
};

function factoryModule(domain: string): new () => unknown {
  @Module({
    imports: [
      TeracronModule.forRootAsync({
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ teracron: { apiKey: testApiKey(), domain } })] })],
        inject: [ConfigService],
        useFactory: (config: ConfigService): TeracronModuleOptions => ({
          apiKey: config.getOrThrow<string>('teracron.apiKey'),
          domain: config.getOrThrow<string>('teracron.domain'),
          traceFlushIntervalSeconds: 1,
          tracingScrubber: optionScrubber,
        }),
      }),
    ],
    controllers: [PaymentsController],
    providers: [PaymentsService, RedactionPolicy, ScrubberProbe, { provide: TeracronScrubber, useClass: CardScrubber }],
  })
  class FactoryConfiguredModule {}
  return FactoryConfiguredModule;
}

function classModule(domain: string): new () => unknown {
  @Injectable()
  class TeracronSettings implements TeracronOptionsFactory {
    createTeracronOptions(): TeracronModuleOptions {
      return { apiKey: testApiKey(), domain, traceFlushIntervalSeconds: 1, workflow: 'api' };
    }
  }
  @Module({
    imports: [TeracronModule.forRootAsync({ useClass: TeracronSettings })],
    controllers: [PaymentsController],
    providers: [PaymentsService],
  })
  class ClassConfiguredModule {}
  return ClassConfiguredModule;
}

for (const platform of PLATFORMS) {
  describe(`module configuration on ${platform}`, () => {
    let ingest: Awaited<ReturnType<typeof startTestIngest>>;
    const apps: RunningNestApp[] = [];

    before(async () => {
      ingest = await startTestIngest();
    });

    after(async () => {
      for (const app of apps) await app.close();
      await ingest?.close();
    });

    async function chargeAndWait(running: RunningNestApp): Promise<SpanRecord[]> {
      const response = await fetch(`${running.url}/payments/o-1`, { method: 'POST' });
      assert.equal(response.status, 201);
      assert.equal(await response.text(), 'charged-o-1');
      const { traceId } = responseTraceIds(response);
      const spansOf = (): SpanRecord[] => ingest.spans().filter((span) => span.trace_id === traceId);
      await ingest.waitFor(() => spansOf().length === 2, WAIT_MS);
      return spansOf();
    }

    it('takes its options from ConfigService and scrubs with the TeracronScrubber class over the option', async () => {
      const running = await startNestApp(factoryModule(ingest.domain), platform);
      apps.push(running);
      const spans = await chargeAndWait(running);
      const charge = spans.find((span) => span.operation === 'PaymentsService.charge');
      const root = spans.find((span) => span.operation === 'POST /payments/:orderId');
      assert.ok(charge && root, 'the tracer span and the request span arrived');
      assert.equal(charge.parent_span_id, root.span_id, "the injected tracer's span nests under the request");
      assert.deepEqual(charge.metadata, { customer: 'c-17', order_id: 'o-1' }, 'the provider removed card_number; the option scrubber did not run');
      assert.ok(!JSON.stringify(ingest.spans()).includes(CARD_NUMBER), 'the card number reached the ingest nowhere');
      assert.ok(running.app.get(ScrubberProbe).scrubber instanceof CardScrubber, 'InjectTeracronScrubber() injects the provided scrubber');
    });

    it('takes its options from a useClass options factory', async () => {
      const running = await startNestApp(classModule(ingest.domain), platform);
      apps.push(running);
      const spans = await chargeAndWait(running);
      const root = spans.find((span) => span.operation === 'POST /payments/:orderId');
      assert.equal(root?.workflow, 'api', 'the workflow option names request spans');
      const charge = spans.find((span) => span.operation === 'PaymentsService.charge');
      assert.equal(charge?.metadata?.['card_number'], CARD_NUMBER, 'without a scrubber, metadata is sent as given');
    });
  });
}

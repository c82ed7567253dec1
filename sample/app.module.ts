/**
 * The orders service: TeracronModule configured from ConfigService (forRootAsync), a scrubber
 * class provided as TeracronScrubber, and BullMQ with Teracron's telemetry when Redis is set.
 * Its e2e test (test/e2e/sample-orders.e2e.test.ts) swaps the module for TeracronTestingModule.
 */
import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { BullModule } from '@nestjs/bullmq';
import { TeracronScrubber, TeracronBullMQTelemetry, TeracronModule, type TeracronModuleOptions } from '../lib/index';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { PaymentsService } from './payments/payments.service';
import { SettlementQueue } from './payments/settlement-queue';
import { SETTLEMENT_QUEUE, SettlementProcessor } from './payments/settlement.processor';
import { CardScrubber, ScrubPolicy } from './scrubbing/card-scrubber';

function queueModules(): DynamicModule[] {
  const port = Number(process.env.REDIS_PORT);
  if (!port) return [];
  return [
    BullModule.forRoot({
      connection: { host: '127.0.0.1', port },
      telemetry: new TeracronBullMQTelemetry({ workflow: 'settlement' }),
    }),
    BullModule.registerQueue({ name: SETTLEMENT_QUEUE }),
  ];
}

/** The module's settings, from ConfigService; the e2e test gives the same ones to TeracronTestingModule. */
export const teracronOptions = {
  inject: [ConfigService],
  useFactory: (config: ConfigService): TeracronModuleOptions => ({
    apiKey: config.get<string>('TERACRON_API_KEY'),
    domain: config.get<string>('TERACRON_DOMAIN'),
    workflow: 'orders-http',
    exclude: ['/orders/health/live'],
    traceEmitEvents: true,
    traceFlushIntervalSeconds: 1,
    intervalSeconds: 5,
  }),
};

/** Kept in a constant so a test can override it (`overrideModule(teracron)`). */
export const teracron = TeracronModule.forRootAsync(teracronOptions);

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    teracron,
    ...queueModules(),
  ],
  controllers: [OrdersController],
  providers: [
    OrdersService,
    PaymentsService,
    SettlementQueue,
    ScrubPolicy,
    { provide: TeracronScrubber, useClass: CardScrubber },
    ...(process.env.REDIS_PORT ? [SettlementProcessor] : []),
  ],
})
export class AppModule {}

/**
 * A second service (fraud checks) with its own TeracronModule: the X-Teracron-Trace header the
 * orders service sends makes its spans part of the same trace.
 */
import { Body, Controller, Injectable, Module, Post } from '@nestjs/common';
import { TeracronModule, Trace } from '../../lib/index';

@Injectable()
export class FraudService {
  @Trace('fraud', { capture: ['orderId'] })
  async check(orderId: string, amount: number): Promise<{ orderId: string; risk: 'low' | 'high' }> {
    await new Promise((resolve) => setTimeout(resolve, 3));
    return { orderId, risk: amount > 5000 ? 'high' : 'low' };
  }
}

@Controller('checks')
export class FraudController {
  constructor(private readonly fraud: FraudService) {}

  @Post()
  check(@Body() body: { orderId: string; amount: number }) {
    return this.fraud.check(body.orderId, body.amount);
  }
}

@Module({
  // No options: TERACRON_API_KEY and TERACRON_DOMAIN come from the environment.
  imports: [TeracronModule.forRoot({ workflow: 'fraud-http', traceFlushIntervalSeconds: 1 })],
  controllers: [FraudController],
  providers: [FraudService],
})
export class FraudModule {}

/** Payments: capture by name, @Capture() on a parameter, the span API with metadata, a failing path. */
import { Injectable, NotFoundException } from '@nestjs/common';
import { Capture, TeracronTracer, Trace } from '../../lib/index';

export interface Authorization {
  orderId: string;
  approved: boolean;
  score: number;
}

@Injectable()
export class PaymentsService {
  constructor(private readonly tracer: TeracronTracer) {}

  // Only orderId and amount are sent; the card number never is.
  @Trace('payment', { capture: ['orderId', 'amount'] })
  async authorize(orderId: string, amount: number, cardNumber: string): Promise<Authorization> {
    const score = await this.tracer.span('payment', { operation: 'risk-score' }, async (span) => {
      const value = (amount % 97) / 100;
      // card_number is removed by the TeracronScrubber before the span is queued.
      span.setMetadata({ score: value, card_number: cardNumber, card_last4: cardNumber.slice(-4) });
      await new Promise((resolve) => setTimeout(resolve, 5));
      return value;
    });
    return { orderId, approved: score < 0.9, score };
  }

  @Trace('payment')
  async settle(@Capture() orderId: string, amount: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 10));
    return `settled ${orderId} (${amount})`;
  }

  @Trace('payment')
  async refund(@Capture('order_id') orderId: string): Promise<never> {
    await new Promise((resolve) => setTimeout(resolve, 2));
    throw new NotFoundException(`no captured payment for order ${orderId}`);
  }
}

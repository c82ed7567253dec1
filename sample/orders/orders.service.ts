/** Orders: the checkout workflow, calling the fraud service over HTTP and payments in process. */
import { Injectable, NotFoundException } from '@nestjs/common';
import { Trace } from '../../lib/index';
import { PaymentsService } from '../payments/payments.service';
import { SettlementQueue } from '../payments/settlement-queue';

export interface Order {
  id: string;
  item: string;
  amount: number;
  status: string;
}

export interface PlaceOrder {
  item: string;
  amount: number;
  card_number: string;
}

@Injectable()
export class OrdersService {
  private readonly orders = new Map<string, Order>();
  private nextId = 1;

  constructor(
    private readonly payments: PaymentsService,
    private readonly settlements: SettlementQueue,
  ) {}

  @Trace('checkout')
  async place(input: PlaceOrder): Promise<Order> {
    const id = `ord-${this.nextId++}`;
    await this.checkFraud(id, input.amount);
    const authorization = await this.payments.authorize(id, input.amount, input.card_number);
    const settlement = authorization.approved ? await this.settlements.enqueue({ orderId: id, amount: input.amount }) : 'declined';
    const order = { id, item: input.item, amount: input.amount, status: settlement };
    this.orders.set(id, order);
    return order;
  }

  @Trace('checkout')
  find(id: string): Order {
    const order = this.orders.get(id);
    if (!order) throw new NotFoundException(`order ${id} not found`);
    return order;
  }

  @Trace('checkout')
  refund(id: string): Promise<never> {
    return this.payments.refund(id);
  }

  /** The fraud service is another process in real life; the trace header goes with the fetch. */
  @Trace('checkout')
  private async checkFraud(orderId: string, amount: number): Promise<void> {
    const url = process.env.FRAUD_URL;
    if (!url) return;
    const response = await fetch(`${url}/checks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId, amount }),
    });
    if (!response.ok) throw new Error(`fraud check failed with HTTP ${response.status}`);
  }
}

/**
 * Where a settlement goes: a BullMQ queue when Redis is configured (REDIS_PORT), else settled
 * in the request, so the sample also runs on a machine without Redis.
 */
import { Injectable, Optional } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { PaymentsService } from './payments.service';
import { SETTLEMENT_QUEUE, type SettlementJob } from './settlement.processor';

@Injectable()
export class SettlementQueue {
  constructor(
    private readonly payments: PaymentsService,
    @Optional() @InjectQueue(SETTLEMENT_QUEUE) private readonly queue?: Queue<SettlementJob>,
  ) {}

  async enqueue(job: SettlementJob): Promise<string> {
    if (!this.queue) return this.payments.settle(job.orderId, job.amount);
    const added = await this.queue.add('settle', job);
    return `queued as job ${added.id}`;
  }
}

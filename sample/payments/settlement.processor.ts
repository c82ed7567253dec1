/** The BullMQ worker: each job continues the trace of the request that enqueued it. */
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { PaymentsService } from './payments.service';

export const SETTLEMENT_QUEUE = 'settlements';

export interface SettlementJob {
  orderId: string;
  amount: number;
}

@Processor(SETTLEMENT_QUEUE)
export class SettlementProcessor extends WorkerHost {
  constructor(private readonly payments: PaymentsService) {
    super();
  }

  process(job: Job<SettlementJob>): Promise<string> {
    return this.payments.settle(job.data.orderId, job.data.amount);
  }
}

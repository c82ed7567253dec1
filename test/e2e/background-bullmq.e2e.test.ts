/**
 * BullMQ jobs as part of the request's workflow, against a real Redis, real Nest apps and the local
 * ingest: a job enqueued in a request is processed in the same app or in another process, and the
 * ingest holds one trace with the request span and the job span under the span that enqueued it.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { Controller, Injectable, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BullModule, InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import type { SpanRecord } from '../../lib/core/types';
import { TeracronBullMQTelemetry } from '../../lib/bullmq/teracron-bullmq-telemetry';
import { TeracronModule } from '../../lib/nest/teracron.module';
import { getTraceHeader } from '../../lib/tracing/propagation';
import { Trace } from '../../lib/tracing/trace.decorator';
import { startRedis, type RunningRedis } from '../support/redis';
import { startTestIngest } from '../support/start-ingest';
import { testApiKey } from '../support/test-keys';
import { repoRoot } from '../support/vectors';
import type { RemoteWorkerMessage } from '../fixtures/background-worker/remote-worker';

const run = `${process.pid}-${Date.now()}`;
const LOCAL_QUEUE = `payments-local-${run}`;
const REMOTE_QUEUE = `payments-remote-${run}`;
const FLAKY_QUEUE = `payments-flaky-${run}`;
const WAIT_MS = 15_000;

class PaymentDeclinedError extends Error {
  override name = 'PaymentDeclinedError';
}

interface Processed {
  jobId: string | undefined;
  data: unknown;
  metadata: string | undefined;
}

/** Jobs the in-app processors saw, by job id, with a promise per id the test can await. */
class ProcessedJobs {
  private readonly seen = new Map<string, Processed>();
  private readonly waiters = new Map<string, (job: Processed) => void>();

  record(job: Processed): void {
    const id = job.jobId ?? '';
    this.seen.set(id, job);
    this.waiters.get(id)?.(job);
  }

  waitFor(jobId: string): Promise<Processed> {
    const known = this.seen.get(jobId);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => this.waiters.set(jobId, resolve));
  }
}

const processed = new ProcessedJobs();

@Injectable()
class Receipts {
  @Trace('payment')
  async issue(orderId: string): Promise<string> {
    return `receipt-${orderId}`;
  }
}

@Injectable()
class PaymentsService {
  constructor(
    @InjectQueue(LOCAL_QUEUE) private readonly local: Queue,
    @InjectQueue(REMOTE_QUEUE) private readonly remote: Queue,
    @InjectQueue(FLAKY_QUEUE) private readonly flaky: Queue,
  ) {}

  /** Returns the job id and the trace header current when the job was added (the enqueuing span). */
  @Trace('payment')
  async requestCharge(where: string, orderId: string): Promise<{ jobId: string; enqueuedIn: string }> {
    const data = { orderId, amount: 4200, currency: 'EUR' };
    const enqueuedIn = getTraceHeader() ?? '';
    const job =
      where === 'flaky'
        ? await this.flaky.add('settle', data, { attempts: 3 })
        : await (where === 'remote' ? this.remote : this.local).add('charge', data);
    return { jobId: job.id!, enqueuedIn };
  }
}

@Controller('orders')
class OrdersController {
  constructor(private readonly payments: PaymentsService) {}

  @Post(':where/:orderId')
  charge(@Param('where') where: string, @Param('orderId') orderId: string) {
    return this.payments.requestCharge(where, orderId);
  }
}

@Processor(LOCAL_QUEUE)
class LocalChargeProcessor extends WorkerHost {
  constructor(private readonly receipts: Receipts) {
    super();
  }

  async process(job: Job<{ orderId: string }>): Promise<string> {
    const receipt = await this.receipts.issue(job.data.orderId);
    processed.record({ jobId: job.id, data: job.data, metadata: job.opts.telemetry?.metadata });
    return receipt;
  }
}

@Processor(FLAKY_QUEUE)
class FlakySettlementProcessor extends WorkerHost {
  async process(job: Job<{ orderId: string }>): Promise<string> {
    // attemptsMade counts finished attempts: 0 and 1 fail, the third attempt succeeds.
    if (job.attemptsMade < 2) throw new PaymentDeclinedError(`card declined on attempt ${job.attemptsMade + 1}`);
    processed.record({ jobId: job.id, data: job.data, metadata: job.opts.telemetry?.metadata });
    return 'settled';
  }
}

function appModule(redis: RunningRedis, domain: string) {
  @Module({
    imports: [
      TeracronModule.forRoot({ apiKey: testApiKey(), domain, traceFlushIntervalSeconds: 1 }),
      BullModule.forRoot({
        connection: { host: '127.0.0.1', port: redis.port },
        telemetry: new TeracronBullMQTelemetry({ workflow: 'payment-queue' }),
      }),
      BullModule.registerQueue({ name: LOCAL_QUEUE }, { name: REMOTE_QUEUE }, { name: FLAKY_QUEUE }),
    ],
    controllers: [OrdersController],
    providers: [Receipts, PaymentsService, LocalChargeProcessor, FlakySettlementProcessor],
  })
  class BullAppModule {}
  return BullAppModule;
}

function startRemoteWorker(redis: RunningRedis, domain: string): Promise<ChildProcess> {
  const script = path.join(repoRoot(), 'dist', 'test', 'fixtures', 'background-worker', 'remote-worker.js');
  const child = fork(script, [], {
    env: { ...process.env, REDIS_PORT: String(redis.port), WORKER_QUEUE: REMOTE_QUEUE, TERACRON_API_KEY: testApiKey(), TERACRON_DOMAIN: domain },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the remote worker exited with code ${code} before it was ready`));
    child.once('exit', onExit);
    child.on('message', (message: RemoteWorkerMessage) => {
      if (message.type !== 'ready') return;
      child.off('exit', onExit);
      resolve(child);
    });
  });
}

function nextRemoteJob(child: ChildProcess): Promise<Processed> {
  return new Promise((resolve) => {
    const onMessage = (message: RemoteWorkerMessage) => {
      if (message.type !== 'processed') return;
      child.off('message', onMessage);
      resolve({ jobId: message.jobId, data: message.data, metadata: message.metadata });
    };
    child.on('message', onMessage);
  });
}

describe('BullMQ jobs continue the trace that enqueued them', () => {
  let redis: RunningRedis;
  let ingest: Awaited<ReturnType<typeof startTestIngest>>;
  let app: INestApplication;
  let baseUrl: string;
  let remote: ChildProcess;

  before(async () => {
    redis = await startRedis();
    ingest = await startTestIngest();
    app = await NestFactory.create(appModule(redis, ingest.domain), { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    remote = await startRemoteWorker(redis, ingest.domain);
  });

  after(async () => {
    if (remote && remote.exitCode === null) {
      remote.send('stop');
      await once(remote, 'exit');
    }
    await app?.close();
    await ingest?.close();
    await redis?.stop();
  });

  async function order(where: string, orderId: string): Promise<{ jobId: string; enqueuedIn: string }> {
    const response = await fetch(`${baseUrl}/orders/${where}/${orderId}`, { method: 'POST' });
    assert.equal(response.status, 201);
    return (await response.json()) as { jobId: string; enqueuedIn: string };
  }

  function spansOf(traceId: string): SpanRecord[] {
    return ingest.spans().filter((span) => span.trace_id === traceId);
  }

  async function assertOneTrace(where: string, queue: string, orderId: string, job: Processed, enqueuedIn: string) {
    const [traceId, enqueuingSpanId] = enqueuedIn.split(':');
    assert.ok(traceId && enqueuingSpanId, 'the job was enqueued inside a span');
    assert.deepEqual(job.data, { orderId, amount: 4200, currency: 'EUR' }, 'job.data is exactly what the app added');
    assert.equal(job.metadata, enqueuedIn, "the trace header travels in the job's telemetry metadata");

    // The job span ends after the receipt span it contains, so it may come in a later flush: wait for each.
    for (const operation of ['Receipts.issue', `${queue}.charge`, 'POST /orders/:where/:orderId']) {
      await ingest.waitFor(() => spansOf(traceId!).some((s) => s.operation === operation), WAIT_MS);
    }
    const spans = spansOf(traceId!);
    const request = spans.find((s) => s.operation === 'POST /orders/:where/:orderId')!;
    const enqueuing = spans.find((s) => s.span_id === enqueuingSpanId)!;
    const jobSpan = spans.find((s) => s.operation === `${queue}.charge`)!;
    const receipt = spans.find((s) => s.operation === 'Receipts.issue')!;
    assert.ok(request && enqueuing && jobSpan && receipt, `expected request, enqueuing, job and receipt spans, got ${spans.map((s) => s.operation).join(', ')}`);
    assert.equal(enqueuing.operation, 'PaymentsService.requestCharge');
    assert.equal(enqueuing.parent_span_id, request.span_id);
    assert.equal(jobSpan.parent_span_id, enqueuing.span_id, 'the job span hangs under the span that enqueued it');
    assert.equal(jobSpan.workflow, 'payment-queue');
    assert.equal(jobSpan.status, 'succeeded');
    assert.equal(jobSpan.metadata?.job_id, job.jobId);
    assert.equal(receipt.parent_span_id, jobSpan.span_id, '@Trace inside the processor nests under the job span');
  }

  it('processes a job enqueued in a request in the same app, as part of the request trace', async () => {
    const { jobId, enqueuedIn } = await order('local', 'o-local-1');
    const job = await processed.waitFor(jobId);
    await assertOneTrace('local', LOCAL_QUEUE, 'o-local-1', job, enqueuedIn);
  });

  it('processes a job enqueued in a request in another process, as part of the request trace', async () => {
    const next = nextRemoteJob(remote);
    const { jobId, enqueuedIn } = await order('remote', 'o-remote-1');
    const job = await next;
    assert.equal(job.jobId, jobId);
    // The worker process flushes on close; spans also flush every second while it runs.
    await assertOneTrace('remote', REMOTE_QUEUE, 'o-remote-1', job, enqueuedIn);
  });

  it('records every attempt of a job that fails twice then succeeds, with the error fields', async () => {
    const { jobId, enqueuedIn } = await order('flaky', 'o-flaky-1');
    await processed.waitFor(jobId);
    const [traceId, enqueuingSpanId] = enqueuedIn.split(':');
    const attemptsOf = () => spansOf(traceId!).filter((s) => s.operation === `${FLAKY_QUEUE}.settle`);
    await ingest.waitFor(() => attemptsOf().length === 3, WAIT_MS);
    const attempts = attemptsOf().sort((a, b) => Number(a.metadata?.job_attempt) - Number(b.metadata?.job_attempt));
    assert.deepEqual(
      attempts.map((s) => [s.metadata?.job_attempt, s.status, s.error_type, s.error_message, s.metadata?.job_outcome]),
      [
        [1, 'failed', 'PaymentDeclinedError', 'card declined on attempt 1', 'retrying'],
        [2, 'failed', 'PaymentDeclinedError', 'card declined on attempt 2', 'retrying'],
        [3, 'succeeded', null, null, 'completed'],
      ],
    );
    for (const attempt of attempts) {
      assert.equal(attempt.parent_span_id, enqueuingSpanId, 'each attempt continues the enqueuing span');
      assert.equal(attempt.metadata?.job_id, jobId);
    }
  });
});

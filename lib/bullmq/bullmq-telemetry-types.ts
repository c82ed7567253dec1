/**
 * The parts of BullMQ v5's `Telemetry` interface (bullmq/dist/esm/interfaces/telemetry.d.ts) we
 * implement, restated here so our published types never reference `bullmq`: the package must type
 * check and load for users who do not install it. A unit test checks these stay assignable to BullMQ's.
 */

/** BullMQ's `SpanKind` enum values (enums/telemetry-attributes). */
export const BullSpanKind = { INTERNAL: 0, SERVER: 1, CLIENT: 2, PRODUCER: 3, CONSUMER: 4 } as const;

export type BullAttributeValue =
  | string
  | number
  | boolean
  | Array<null | undefined | string>
  | Array<null | undefined | number>
  | Array<null | undefined | boolean>;

export interface BullAttributes {
  [attribute: string]: BullAttributeValue | undefined;
}

export type BullException = string | { code?: string | number; name?: string; message?: string; stack?: string };

export type BullTime = [number, number] | number | Date;

export interface BullSpan<Context> {
  setSpanOnContext(ctx: Context): Context;
  setAttribute(key: string, value: BullAttributeValue): void;
  setAttributes(attributes: BullAttributes): void;
  addEvent(name: string, attributes?: BullAttributes): void;
  recordException(exception: BullException, time?: BullTime): void;
  end(): void;
}

export interface BullTracer<Context> {
  startSpan(name: string, options?: { kind: number }, context?: Context): BullSpan<Context>;
}

export interface BullContextManager<Context> {
  with<A extends (...args: any[]) => any>(context: Context, fn: A): ReturnType<A>;
  active(): Context;
  getMetadata(context: Context): string;
  fromMetadata(activeContext: Context, metadata: string): Context;
}

/** BullMQ attribute keys we read (enums/telemetry-attributes `TelemetryAttributes`). */
export const BullAttribute = {
  QueueName: 'bullmq.queue.name',
  JobName: 'bullmq.job.name',
  JobId: 'bullmq.job.id',
  JobAttemptsMade: 'bullmq.job.attempts.made',
  JobFailedReason: 'bullmq.job.failed.reason',
} as const;

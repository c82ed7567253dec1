/**
 * One kind's way out (metrics, traces or events): a bounded queue, at most one request in
 * flight, client-side pacing, retries with backoff and Retry-After as timers, stale items
 * dropped before they would break the server's time window, and counts of everything dropped.
 * Encoding and encryption happen here, in the flush, never on the caller's path. Batches spooled
 * by a previous process arrive already sealed and go first.
 */
import type { KeyObject } from 'node:crypto';
import type { BatchEncoder, Queued } from '../encoding/batch-encoders';
import type { TeracronLogger } from '../logger';
import type { ExportKind, IngestTransport } from '../transport/ingest-transport';
import { retryWaitMs, type BackoffSettings } from './backoff';
import { BoundedQueue } from './bounded-queue';
import { STALE_AFTER_MS, takeNextBatch } from './next-batch';
import { pushGroup, putBackWhole } from './queued-groups';
import type { ExportHealth } from './export-health';
import { StatsCounter, type KindStats } from './export-stats';
import { QueueFullWarning } from './queue-full-warning';
import { sealBatch, SealedBacklog, type SealedBatch } from './sealed-batch';
import { SlidingWindowPacer } from './sliding-window-pacer';
import { TokenBucket } from './token-bucket';

/** The final drain at shutdown gives up after this many failed requests (it never spins). */
export const MAX_FINAL_FAILURES = 3;

export interface ExportLaneSettings<T> {
  kind: ExportKind;
  capacity: number;
  /** A queue this long triggers a flush. */
  flushAt: number;
  requestsPerMinute: number;
  pacing: boolean;
  backoff: BackoffSettings;
  /** Wall-clock ms the item describes (started_at, timestamp). */
  timeOf(item: T): number;
  logger: TeracronLogger;
  health?: ExportHealth;
  /** Pace over a sliding minute (the traces lane under adaptive sampling) instead of a token bucket. */
  slidingWindow?: boolean;
  /** Told of every 429 with the share of this minute's requests this lane used, so the traces budget learns the share other processes on the key leave. */
  onRateLimited?: (usedShare: number) => void;
  /** Called before queued items are encoded (the traces lane: the sampler seals its windows, so each root's sample_rate is final). */
  beforeEncode?: () => void;
}

export class ExportLane<T> {
  readonly stats = new StatsCounter();
  private readonly queue: BoundedQueue<Queued<T>>;
  private readonly bucket: TokenBucket | SlidingWindowPacer;
  /** Spooled by an earlier process: sent before the queue. */
  private readonly sealed = new SealedBacklog();
  private readonly fullWarning: QueueFullWarning;
  /** The request on the wire, kept so an exit can still spool it. */
  private outgoing: SealedBatch | undefined;
  private inFlight: Promise<void> | undefined;
  private scheduled: NodeJS.Immediate | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private waitUntil = 0;
  private attempt = 0;
  /** Failed requests answered since stop() began, the one already on the wire included. */
  private finalFailures = 0;
  private stopping = false;
  private abort = new AbortController();
  private stopped = false;

  constructor(
    private readonly settings: ExportLaneSettings<T>,
    private readonly encoder: BatchEncoder<T>,
    private readonly transport: IngestTransport,
    private readonly publicKey: KeyObject,
  ) {
    this.queue = new BoundedQueue(settings.capacity);
    this.bucket = settings.slidingWindow ? new SlidingWindowPacer(settings.requestsPerMinute) : new TokenBucket(settings.requestsPerMinute);
    this.fullWarning = new QueueFullWarning(settings.kind, settings.capacity, settings.logger);
  }

  get size(): number {
    return this.queue.size + this.sealed.items;
  }

  /** Time of the oldest waiting item, or undefined. */
  oldestTime(): number | undefined {
    const first = this.queue.peek();
    return first === undefined ? undefined : this.settings.timeOf(first.item);
  }

  /** O(1); never throws. */
  enqueue(item: T): void {
    this.stats.enqueued++;
    if (this.stopped) {
      this.stats.drop('shutdown');
      return;
    }
    if (!this.queue.push({ item, bytes: -1, groupLeft: 0 })) {
      this.dropQueueFull();
      return;
    }
    this.flushIfDue();
  }

  /** Room for `count` more items now (a local root about to be built, with the spans its trace held). */
  hasRoomFor(count: number): boolean {
    return !this.stopped && this.queue.size + count <= this.settings.capacity;
  }

  /**
   * A trace whose local root ended: the root and the spans it held, queued together (one request
   * carries them when they fit) or, without room for all, none (counted). The held spans were
   * counted as enqueued (and held) when they were held.
   */
  enqueueGroup(root: T, held: readonly T[]): void {
    const stats = this.stats;
    stats.enqueued++;
    stats.held -= held.length;
    const count = held.length + 1;
    if (this.stopped) return stats.drop('shutdown', count);
    if (!this.hasRoomFor(count)) {
      stats.drop('queue_full', count);
      return this.fullWarning.dropped();
    }
    pushGroup(this.queue, root, held);
    this.flushIfDue();
  }

  /** The queue-full warning for items refused before they reached enqueue (a group with no room, span-groups.ts). */
  warnQueueFull(): void {
    this.fullWarning.dropped();
  }

  private flushIfDue(): void {
    if (this.queue.size >= this.settings.flushAt && this.scheduled === undefined && this.inFlight === undefined) {
      // Deferred so the caller (a span ending in user code) never pays for encoding or encryption.
      this.scheduled = setImmediate(() => {
        this.scheduled = undefined;
        void this.flush();
      });
      this.scheduled.unref?.();
    }
  }

  /** Batches a previous process spooled; counted as enqueued now. */
  enqueueSealed(batches: readonly SealedBatch[]): void {
    for (const batch of batches) {
      this.stats.enqueued += batch.count;
      if (this.stopped) {
        this.stats.drop('shutdown', batch.count);
        continue;
      }
      this.sealed.push(batch);
    }
  }

  /**
   * For a caller that can skip building an item it would only see dropped: when the queue is
   * full, counts the drop as enqueue() would and returns true.
   */
  dropIfFull(): boolean {
    if (this.stopped || this.queue.size < this.settings.capacity) return false;
    this.stats.enqueued++;
    this.dropQueueFull();
    return true;
  }

  /** Paces to a new rate (the traces budget's learned share). */
  setRequestsPerMinute(perMinute: number): void {
    this.bucket.setPerMinute(perMinute);
  }

  snapshot(): KindStats {
    return this.stats.snapshot(this.size);
  }

  /** Sends what is queued now; resolves when the queue is empty or the lane waits for a retry. */
  flush(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.stopped || this.size === 0) return Promise.resolve();
    this.inFlight = this.drain(false).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * Final flush: ignores pacing, honours retry waits that end before the deadline, gives up after
   * MAX_FINAL_FAILURES failed requests, and at the deadline aborts what is in flight.
   */
  async stop(deadlineAt: number): Promise<void> {
    if (this.stopped) return;
    this.stopping = true;
    clearTimeout(this.retryTimer);
    if (this.scheduled) clearImmediate(this.scheduled);
    // Not unref'd: a shutdown waits for its flush until the deadline, even when no socket holds the loop.
    const timer = setTimeout(() => this.abort.abort(), Math.max(0, deadlineAt - Date.now()));
    try {
      if (this.inFlight) await this.inFlight;
      this.stopped = true;
      await this.drain(true, deadlineAt);
    } finally {
      clearTimeout(timer);
      this.stopped = true;
      this.abort.abort();
      this.stats.drop('shutdown', this.queue.drain().length + this.sealed.takeAll().reduce((sum, batch) => sum + batch.count, 0));
    }
  }

  /**
   * Everything this lane still holds, sealed into envelopes now, synchronously (the process is
   * exiting): the request on the wire, spooled batches, then the queue in batches. Never throws.
   */
  sealForExit(): SealedBatch[] {
    const out: SealedBatch[] = [];
    if (this.outgoing) out.push(this.outgoing);
    this.outgoing = undefined;
    out.push(...this.sealed.takeAll());
    this.stopped = true;
    while (this.queue.size > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) continue;
      try {
        out.push(sealBatch(batch, this.encoder, this.publicKey, this.settings.timeOf));
      } catch {
        // One batch that does not encode must not cost the others.
      }
    }
    return out;
  }

  private async drain(final: boolean, deadlineAt = Infinity): Promise<void> {
    while (this.size > 0 && !this.abort.signal.aborted) {
      if (final && this.finalFailures >= MAX_FINAL_FAILURES) return;
      const wait = this.waitUntil - Date.now();
      if (wait > 0) {
        if (!final) return this.scheduleRetry(wait);
        if (Date.now() + wait >= deadlineAt) return;
        await sleep(wait);
        continue;
      }
      if (!final && this.settings.pacing) {
        const paced = this.bucket.take();
        if (paced > 0) return this.scheduleRetry(paced);
      }
      const sealed = this.sealed.shift();
      if (sealed !== undefined) {
        if (sealed.newest < Date.now() - STALE_AFTER_MS) this.stats.drop('stale', sealed.count);
        else {
          await this.send(sealed, final, () => {
            this.sealed.unshift(sealed);
            return 0;
          });
        }
        continue;
      }
      const batch = this.takeBatch();
      if (batch.length === 0) continue;
      let envelope: SealedBatch;
      try {
        envelope = sealBatch(batch, this.encoder, this.publicKey, this.settings.timeOf);
      } catch {
        this.stats.drop('encode_failed', batch.length);
        continue;
      }
      await this.send(envelope, final, () => putBackWhole(this.queue, batch));
    }
  }

  private takeBatch(): Queued<T>[] {
    this.settings.beforeEncode?.();
    return takeNextBatch(this.queue, this.encoder, this.settings.timeOf, this.stats);
  }

  /** `putBack` returns the batch to the front for a retry and says how many items did not fit. */
  private async send(batch: SealedBatch, final: boolean, putBack: () => number): Promise<void> {
    const { kind, logger, health } = this.settings;
    const count = batch.count;
    this.stats.requests++;
    this.stats.inFlight = count;
    this.outgoing = batch;
    const outcome = await this.transport.send(kind, batch.envelope, this.abort.signal);
    this.stats.inFlight = 0;
    this.outgoing = undefined;
    if (outcome.kind === 'sent') {
      const refused = Math.min(count, outcome.serverDropped);
      this.stats.sent += count - refused;
      this.stats.drop('server_dropped', refused);
      this.attempt = 0;
      health?.succeeded();
      logger.debug(`${kind}: sent ${count} item(s)${refused > 0 ? `; the ingest dropped ${refused} of them as invalid` : ''}`);
      return;
    }
    if (outcome.kind === 'drop') {
      this.stats.drop(`rejected_${outcome.status}`, count);
      return;
    }
    if (this.abort.signal.aborted) {
      this.stats.drop('shutdown', count);
      return;
    }
    if (outcome.status !== 429) health?.failed(outcome.reason);
    else if (this.bucket instanceof SlidingWindowPacer) {
      this.bucket.refund();
      this.settings.onRateLimited?.(this.bucket.usedShare());
    } else this.settings.onRateLimited?.(1);
    if (this.stopping) this.finalFailures++;
    this.stats.retried += count;
    this.stats.drop('queue_full', putBack());
    this.waitUntil = Date.now() + retryWaitMs(this.attempt++, outcome.retryAfterMs, this.settings.backoff);
    logger.debug(`${kind}: ${outcome.reason}; retrying ${count} item(s) in ${this.waitUntil - Date.now()} ms${final ? ' (shutting down)' : ''}`);
  }

  private scheduleRetry(ms: number): void {
    if (this.retryTimer !== undefined || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush();
    }, ms);
    this.retryTimer.unref();
  }

  private dropQueueFull(): void {
    this.stats.drop('queue_full');
    this.fullWarning.dropped();
  }
}

/** Only used by the final flush, which is bounded by its deadline, so the timer may hold the process. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

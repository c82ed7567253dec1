/**
 * Export cost: CPU to encode and encrypt 10 000 spans with realistic metadata into capped
 * envelopes (what a flush does), each step a flush cannot skip measured alone beside it, and
 * event-loop delay p99 of a process under HTTP load with and without flushing.
 *
 * Spans arrive in batches of 100 between flushes, as in an app, and only the flush is timed.
 * Building all 10 000 first and forcing a GC before timing (as an earlier version did) made the
 * flush pay the page faults of a heap V8 had just shrunk, in every other run: 1 000–1 600 minor
 * faults of ~12 µs each on this VM, which swung the median by 1.5 µs per span.
 */
import { constants, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { encryptEnvelope } from '../lib/core/crypto/envelope';
import { countFitting, traceBatchEncoder, utf8ByteLength, type Queued } from '../lib/core/encoding/batch-encoders';
import type { SpanRecord } from '../lib/core/types';
import { resultOfChild } from './child-result';
import { median } from './stats';

/** PROTOCOL.md §5: at most 100 spans share one envelope, hence one key wrap. */
export const SPANS_PER_ENVELOPE = 100;
const SPAN_COUNT = 10_000;

/**
 * Random ids made once: drawing three fresh ones per span (`randomBytes`, a Buffer each) left the
 * setup's garbage for the timed flush to collect, a cost the app's tracer does not have.
 */
const ID_POOL = Array.from({ length: 3 * SPANS_PER_ENVELOPE * 10 }, () => randomBytes(16).toString('hex'));
const idAt = (i: number) => ID_POOL[i % ID_POOL.length]!;

export function realisticSpan(i: number): SpanRecord {
  return {
    trace_id: idAt(3 * i),
    span_id: idAt(3 * i + 1),
    parent_span_id: i % 4 === 0 ? null : idAt(3 * i + 2),
    workflow: 'checkout',
    operation: i % 4 === 0 ? 'POST /orders/:id/items' : 'PaymentsService.authorize',
    status: i % 50 === 0 ? 'failed' : 'succeeded',
    started_at: Date.now(),
    duration_ms: 12.345,
    error_type: i % 50 === 0 ? 'PaymentDeclinedError' : null,
    error_message: i % 50 === 0 ? 'card declined by the issuer (insufficient funds)' : null,
    metadata: { 'http.method': 'POST', 'http.route': '/orders/:id/items', 'http.status_code': 201, customer_tier: 'gold', items: 3, region: 'eu-west-1', retry: false },
    captured_params: { orderId: `ord-${i}`, amount: 42.5 },
  };
}

/** µs of CPU per span of `flush`, over SPAN_COUNT spans prepared (untimed) 100 at a time before each flush. */
function flushMicrosPerSpan<B>(prepare: (first: number) => B, flush: (batch: B) => void): number {
  let micros = 0;
  for (let first = 0; first < SPAN_COUNT; first += SPANS_PER_ENVELOPE) {
    const batch = prepare(first);
    const start = process.cpuUsage();
    flush(batch);
    const used = process.cpuUsage(start);
    micros += used.user + used.system;
  }
  return micros / SPAN_COUNT;
}

function queuedSpans(first: number): Queued<SpanRecord>[] {
  return Array.from({ length: SPANS_PER_ENVELOPE }, (_, i) => ({ item: realisticSpan(first + i), bytes: -1 }));
}

/** µs of CPU per span to encode and encrypt, as the export lane does: measure, count what fits, encode, encrypt. */
export function encodeEncryptMicrosPerSpan(publicKey: KeyObject): number {
  const encoder = traceBatchEncoder('bench-mark-123');
  return flushMicrosPerSpan(queuedSpans, (entries) => {
    for (const entry of entries) encoder.measure(entry);
    const count = countFitting(encoder, (i) => entries[i], entries.length);
    if (count !== entries.length) throw new Error(`only ${count} of ${entries.length} spans fit one envelope`);
    encryptEnvelope(encoder.encode(entries), publicKey);
  });
}

/** The floor on this machine: µs of CPU per span for JSON.stringify alone, on the same spans. */
export function stringifyMicrosPerSpan(): number {
  return flushMicrosPerSpan(
    (first) => Array.from({ length: SPANS_PER_ENVELOPE }, (_, i) => realisticSpan(first + i)),
    (spans) => {
      for (const span of spans) JSON.stringify(span);
    },
  );
}

/**
 * µs of CPU per span to size and join already-stringified spans as a flush does: each span's
 * UTF-8 byte count (the body caps of PROTOCOL.md §5 are in bytes), how many fit, one body per batch.
 */
export function sizeAndJoinMicrosPerSpan(): number {
  const encoder = traceBatchEncoder('bench-mark-123');
  const scratch = Buffer.allocUnsafe(encoder.bodyCap);
  return flushMicrosPerSpan(
    (first) => queuedSpans(first).map((entry) => ({ ...entry, encoded: JSON.stringify(entry.item) })),
    (entries) => {
      for (const entry of entries) entry.bytes = utf8ByteLength(entry.encoded, scratch);
      encoder.encode(entries.slice(0, countFitting(encoder, (i) => entries[i], entries.length)));
    },
  );
}

/**
 * µs of CPU for the RSA-OAEP wrap of one envelope's AES key: PROTOCOL.md §3 asks for a fresh key
 * per envelope and §5 allows at most 100 spans per envelope, so a span carries at least 1/100 of it.
 */
export function keyWrapMicrosPerEnvelope(publicKey: KeyObject, count = 100): number {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, randomBytes(32));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

/** µs of CPU per span for the envelopes alone (key wrap, AES-GCM, framing) of already-encoded batches of 100 spans. */
export function encryptOnlyMicrosPerSpan(publicKey: KeyObject): number {
  const encoder = traceBatchEncoder('bench-mark-123');
  return flushMicrosPerSpan(
    (first) => {
      const entries = queuedSpans(first);
      for (const entry of entries) encoder.measure(entry);
      // The encoder reuses its body buffer: copy it, as each batch here is encrypted after the next is built.
      return Buffer.from(encoder.encode(entries));
    },
    (body) => encryptEnvelope(body, publicKey),
  );
}

export interface ExportCosts {
  /** µs of CPU per span: encode and encrypt, as a flush does. */
  encodeEncrypt: number;
  /** µs of CPU per span for JSON.stringify alone. */
  stringify: number;
  /** µs of CPU per span for the envelopes alone: key wrap, AES-GCM and framing of encoded batches. */
  encryptOnly: number;
  /** µs of CPU per span to measure UTF-8 sizes and join batches of already-stringified spans. */
  sizeAndJoin: number;
  /** µs of CPU for one envelope's RSA-OAEP key wrap. */
  keyWrapPerEnvelope: number;
}

export const EXPORT_WARMUP_ROUNDS = 8;
export const EXPORT_ROUNDS = 9;

/**
 * Each figure is the median of EXPORT_ROUNDS rounds that run every measurement in turn, after
 * EXPORT_WARMUP_ROUNDS untimed ones: the first rounds compile and grow the heap (page faults), which a running app has done
 * long before; on this VM the figures settle after about eight.
 */
export function measureExportCosts(publicKey: KeyObject): ExportCosts {
  const rounds: ExportCosts[] = [];
  for (let round = 0; round < EXPORT_WARMUP_ROUNDS + EXPORT_ROUNDS; round++) {
    const costs: ExportCosts = {
      encodeEncrypt: encodeEncryptMicrosPerSpan(publicKey),
      stringify: stringifyMicrosPerSpan(),
      sizeAndJoin: sizeAndJoinMicrosPerSpan(),
      encryptOnly: encryptOnlyMicrosPerSpan(publicKey),
      keyWrapPerEnvelope: keyWrapMicrosPerEnvelope(publicKey),
    };
    if (round >= EXPORT_WARMUP_ROUNDS) rounds.push(costs);
  }
  const figures = Object.keys(rounds[0]!) as Array<keyof ExportCosts>;
  return Object.fromEntries(figures.map((figure) => [figure, median(rounds.map((costs) => costs[figure]))])) as unknown as ExportCosts;
}

/** measureExportCosts in a fresh process (export-bench-child.ts), as every other comparison runs. */
export function runExportBench(publicKeyPem: string): Promise<ExportCosts> {
  return resultOfChild<ExportCosts>('export-bench-child.js', { TERACRON_BENCH_PUBLIC_KEY: publicKeyPem });
}

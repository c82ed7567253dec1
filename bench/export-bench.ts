/**
 * Export cost: CPU to encode and encrypt 10 000 spans with realistic metadata into capped
 * envelopes (what a flush does), and event-loop delay p99 of a process under HTTP load with
 * and without flushing.
 */
import { constants, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { encryptEnvelope } from '../lib/core/crypto/envelope';
import { countFitting, traceBatchEncoder, type Queued } from '../lib/core/encoding/batch-encoders';
import type { SpanRecord } from '../lib/core/types';

/** PROTOCOL.md §5: at most 100 spans share one envelope, hence one key wrap. */
export const SPANS_PER_ENVELOPE = 100;

export function realisticSpan(i: number): SpanRecord {
  return {
    trace_id: randomBytes(16).toString('hex'),
    span_id: randomBytes(16).toString('hex'),
    parent_span_id: i % 4 === 0 ? null : randomBytes(16).toString('hex'),
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

/**
 * µs of CPU per span to encode and encrypt `count` spans, batched as the export lane does: a
 * batch is measured, encoded and encrypted, then let go (the lane drops its references once
 * the batch is sent), so its strings die young as they do in the app.
 */
export function encodeEncryptMicrosPerSpan(publicKey: KeyObject, count = 10_000): number {
  const encoder = traceBatchEncoder('bench-mark-123');
  const entries: Array<Queued<SpanRecord> | null> = Array.from({ length: count }, (_, i) => ({ item: realisticSpan(i), bytes: -1 }));
  // Collect the garbage of building the spans first, so it is not billed to the flush.
  global.gc?.();
  const start = process.cpuUsage();
  let offset = 0;
  while (offset < entries.length) {
    for (let i = offset; i < Math.min(entries.length, offset + encoder.maxItems); i++) encoder.measure(entries[i]!);
    const n = countFitting(encoder, (i) => entries[offset + i]!, Math.min(encoder.maxItems, entries.length - offset));
    encryptEnvelope(encoder.encode(entries.slice(offset, offset + n) as Queued<SpanRecord>[]), publicKey);
    entries.fill(null, offset, offset + n);
    offset += n;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

/** The floor on this machine: µs of CPU per span for JSON.stringify alone, on the same spans. */
export function stringifyMicrosPerSpan(count = 10_000): number {
  const spans = Array.from({ length: count }, (_, i) => realisticSpan(i));
  global.gc?.();
  const start = process.cpuUsage();
  let bytes = 0;
  for (const span of spans) bytes += JSON.stringify(span).length;
  const used = process.cpuUsage(start);
  return bytes > 0 ? (used.user + used.system) / count : Number.NaN;
}

/**
 * µs of CPU per span to size and join already-stringified spans as a flush does: each span's
 * UTF-8 byte count (the body caps of PROTOCOL.md §5 are in bytes), how many fit, one body per batch.
 */
export function sizeAndJoinMicrosPerSpan(count = 10_000): number {
  const encoder = traceBatchEncoder('bench-mark-123');
  const entries: Array<Queued<SpanRecord>> = Array.from({ length: count }, (_, i) => {
    const item = realisticSpan(i);
    return { item, encoded: JSON.stringify(item), bytes: -1 };
  });
  global.gc?.();
  const start = process.cpuUsage();
  let offset = 0;
  let bodyBytes = 0;
  while (offset < entries.length) {
    const end = Math.min(entries.length, offset + encoder.maxItems);
    for (let i = offset; i < end; i++) entries[i]!.bytes = Buffer.byteLength(entries[i]!.encoded as string);
    const n = countFitting(encoder, (i) => entries[offset + i]!, end - offset);
    bodyBytes += encoder.encode(entries.slice(offset, offset + n)).length;
    offset += n;
  }
  const used = process.cpuUsage(start);
  return bodyBytes > 0 ? (used.user + used.system) / count : Number.NaN;
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
export function encryptOnlyMicrosPerSpan(publicKey: KeyObject, count = 10_000): number {
  const encoder = traceBatchEncoder('bench-mark-123');
  const bodies: Buffer[] = [];
  for (let offset = 0; offset < count; offset += SPANS_PER_ENVELOPE) {
    const batch = Array.from({ length: SPANS_PER_ENVELOPE }, (_, i) => ({ item: realisticSpan(offset + i), bytes: -1 }) as Queued<SpanRecord>);
    for (const entry of batch) encoder.measure(entry);
    bodies.push(encoder.encode(batch));
  }
  global.gc?.();
  const start = process.cpuUsage();
  for (const body of bodies) encryptEnvelope(body, publicKey);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

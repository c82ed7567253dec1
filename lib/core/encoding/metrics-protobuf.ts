/**
 * MetricsBatch protobuf (PROTOCOL.md §4.1), byte-exact to the reference's vectors.
 * Zero values and empty strings are not written; unknown CPU/lag are omitted.
 */
import type { MetricsSnapshot } from '../types';
import { ProtobufReader, writeTag, writeVarint } from './protobuf-wire';

export interface MetricsBatchVersions {
  sdkVersion: string;
  runtimeVersion: string;
}

export interface DecodedMetricsEntry {
  timestamp: number;
  heap_total: number;
  heap_used: number;
  rss: number;
  external: number;
  array_buffers: number;
  cpu_usage_pct: number;
  event_loop_lag: number;
}

export interface DecodedMetricsBatch {
  entries: DecodedMetricsEntry[];
  sdk_version: string;
  runtime_version: string;
}

const ENTRY_FIELDS = ['timestamp', 'heap_total', 'heap_used', 'rss', 'external', 'array_buffers', 'cpu_usage_pct', 'event_loop_lag'] as const;
const CPU_SCALE_CAP = 10_000;

/** Python's round(): ties go to the even neighbour (the reference rounds this way). */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff === 0.5) return floor % 2 === 0 ? floor : floor + 1;
  return Math.round(x);
}

/** Only non-negative finite integers go on the wire (the reference's negative quirk is not copied). */
function wireUint(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function entryValues(s: MetricsSnapshot): number[] {
  const cpu = s.cpu_usage >= 0 && Number.isFinite(s.cpu_usage) ? Math.min(roundHalfEven(s.cpu_usage * 10_000), CPU_SCALE_CAP) : 0;
  const lag = s.event_loop_lag_ms >= 0 && Number.isFinite(s.event_loop_lag_ms) ? roundHalfEven(s.event_loop_lag_ms * 1000) : 0;
  return [
    wireUint(s.timestamp),
    wireUint(s.heap_total),
    wireUint(s.heap_used),
    wireUint(s.rss),
    wireUint(s.external),
    wireUint(s.array_buffers),
    cpu,
    lag,
  ];
}

export function encodeMetricsEntry(snapshot: MetricsSnapshot): number[] {
  const out: number[] = [];
  entryValues(snapshot).forEach((value, index) => {
    if (value === 0) return;
    writeTag(out, index + 1, 0);
    writeVarint(out, value);
  });
  return out;
}

function writeString(out: number[], field: number, value: string): void {
  if (!value) return;
  const bytes = Buffer.from(value, 'utf8');
  writeTag(out, field, 2);
  writeVarint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

/** Bytes the two version strings add to a batch; the batcher sizes envelopes with it. */
export function metricsBatchTrailerSize(versions: MetricsBatchVersions): number {
  const out: number[] = [];
  writeString(out, 2, versions.sdkVersion);
  writeString(out, 3, versions.runtimeVersion);
  return out.length;
}

export function encodeMetricsBatch(snapshots: readonly MetricsSnapshot[], versions: MetricsBatchVersions): Buffer {
  const out: number[] = [];
  for (const snapshot of snapshots) {
    const entry = encodeMetricsEntry(snapshot);
    writeTag(out, 1, 2);
    writeVarint(out, entry.length);
    for (const b of entry) out.push(b);
  }
  writeString(out, 2, versions.sdkVersion);
  writeString(out, 3, versions.runtimeVersion);
  return Buffer.from(out);
}

export function decodeMetricsBatch(bytes: Uint8Array): DecodedMetricsBatch {
  const reader = new ProtobufReader(bytes);
  const batch: DecodedMetricsBatch = { entries: [], sdk_version: '', runtime_version: '' };
  const text = new TextDecoder('utf-8', { fatal: true });
  while (!reader.done) {
    const tag = reader.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 1 && wireType === 2) batch.entries.push(decodeEntry(reader.bytes()));
    else if (field === 2 && wireType === 2) batch.sdk_version = text.decode(reader.bytes());
    else if (field === 3 && wireType === 2) batch.runtime_version = text.decode(reader.bytes());
    else reader.skip(wireType);
  }
  return batch;
}

function decodeEntry(bytes: Uint8Array): DecodedMetricsEntry {
  const reader = new ProtobufReader(bytes);
  const entry: DecodedMetricsEntry = { timestamp: 0, heap_total: 0, heap_used: 0, rss: 0, external: 0, array_buffers: 0, cpu_usage_pct: 0, event_loop_lag: 0 };
  while (!reader.done) {
    const tag = reader.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    const name = ENTRY_FIELDS[field - 1];
    if (name && wireType === 0) entry[name] = reader.varint();
    else reader.skip(wireType);
  }
  return entry;
}

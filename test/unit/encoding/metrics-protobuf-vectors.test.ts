import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMetricsBatch, encodeMetricsBatch, roundHalfEven } from '../../../lib/core/encoding/metrics-protobuf';
import type { MetricsSnapshot } from '../../../lib/core/types';
import { readVector } from '../../support/vectors';

interface MetricsCase {
  name: string;
  snapshots: MetricsSnapshot[];
  sdk_version: string;
  runtime_version: string;
  batch_hex: string;
  entries_only_hex: string;
  decoded: unknown;
  reference_quirk?: string;
}

const vectors = readVector<{ cases: MetricsCase[] }>('metrics-protobuf.json');

describe('metrics protobuf (PROTOCOL.md §4.1)', () => {
  for (const c of vectors.cases.filter((x) => !x.reference_quirk)) {
    it(`encodes "${c.name}" byte for byte`, () => {
      const versions = { sdkVersion: c.sdk_version, runtimeVersion: c.runtime_version };
      assert.equal(encodeMetricsBatch(c.snapshots, versions).toString('hex'), c.batch_hex);
      assert.equal(encodeMetricsBatch(c.snapshots, { sdkVersion: '', runtimeVersion: '' }).toString('hex'), c.entries_only_hex);
    });

    it(`decodes "${c.name}" to the recorded field values`, () => {
      const decoded = decodeMetricsBatch(Buffer.from(c.batch_hex, 'hex'));
      assert.deepEqual(decoded, normaliseDecoded(c.decoded));
    });
  }

  it('sends no negative memory value (the reference quirk is documented, not copied)', () => {
    const quirk = vectors.cases.find((x) => x.reference_quirk)!;
    const ours = encodeMetricsBatch(quirk.snapshots, { sdkVersion: '', runtimeVersion: '' });
    const decoded = decodeMetricsBatch(ours);
    for (const entry of decoded.entries) for (const value of Object.values(entry)) assert.ok(value >= 0);
    assert.ok(ours.length < Buffer.from(quirk.entries_only_hex, 'hex').length, 'the negative field is omitted, not written as 0');
  });

  it('rounds ties to even like Python', () => {
    assert.equal(roundHalfEven(12.5), 12);
    assert.equal(roundHalfEven(13.5), 14);
    assert.equal(roundHalfEven(2.5), 2);
    assert.equal(roundHalfEven(1234.4), 1234);
  });
});

/** The vectors spell every field; our decoder fills absent ones with 0, as proto3 does. */
function normaliseDecoded(decoded: unknown): unknown {
  const batch = decoded as { entries: Record<string, number>[]; sdk_version?: string; runtime_version?: string };
  const fields = ['timestamp', 'heap_total', 'heap_used', 'rss', 'external', 'array_buffers', 'cpu_usage_pct', 'event_loop_lag'];
  return {
    entries: batch.entries.map((e) => Object.fromEntries(fields.map((f) => [f, e[f] ?? 0]))),
    sdk_version: batch.sdk_version ?? '',
    runtime_version: batch.runtime_version ?? '',
  };
}

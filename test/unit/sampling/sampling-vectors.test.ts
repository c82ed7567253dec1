import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shouldSample } from '../../../lib/tracing/sampling';
import { readVector } from '../../support/vectors';

interface SamplingCase { trace_id: string; sampled: Record<string, boolean> }
interface RateCase { trace_id: string; rate: number | string; sampled: boolean; why: string }
interface SamplingVectors { cases: SamplingCase[]; boundary_cases: RateCase[]; edge_rates: RateCase[] }

const vectors = readVector<SamplingVectors>('sampling.json');

describe('sampling (PROTOCOL.md §8)', () => {
  it('equals the reference on every case at every rate', () => {
    let compared = 0;
    for (const c of vectors.cases) {
      for (const [rate, expected] of Object.entries(c.sampled)) {
        assert.equal(shouldSample(c.trace_id, Number(rate)), expected, `${c.trace_id} at ${rate}`);
        compared++;
      }
    }
    assert.equal(compared, 1400);
  });

  it('equals the reference on the boundary cases (double-precision threshold)', () => {
    assert.ok(vectors.boundary_cases.length > 0);
    for (const c of vectors.boundary_cases) {
      assert.equal(shouldSample(c.trace_id, Number(c.rate)), c.sampled, `${c.trace_id} at ${c.rate}: ${c.why}`);
    }
  });

  it('equals the reference on tiny, negative, above-one and infinite rates', () => {
    for (const c of vectors.edge_rates) {
      assert.equal(shouldSample(c.trace_id, Number(c.rate)), c.sampled, `${c.rate}: ${c.why}`);
    }
  });

  it('never samples at a NaN rate', () => {
    assert.equal(shouldSample(vectors.cases[0]!.trace_id, Number.NaN), false);
  });
});

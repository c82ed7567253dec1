/**
 * Traffic beyond the ingest's budget, in simulated time (test/support/budget-simulation.ts): real
 * spans, sampler, controller, budget, pacing and the ingest's rate limiter on one simulated clock,
 * so a 60 s load at 50 × the span budget runs in well under a second of CPU. The real-clock run
 * against a real ingest is test/e2e/trace-budget.e2e.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FAILURE_SHARE } from '../../../lib/core/sampling/trace-sampler';
import { startSpan } from '../../../lib/tracing/tracer';
import { SimulatedClock, SimulatedProcess, simulate, SPAN_BUDGET_PER_SECOND, type LoadShape } from '../../support/budget-simulation';
import { readVector } from '../../support/vectors';

/** 625 requests a second of 4 spans: 2 500 spans a second, 50 × the ingest's 50; 1 % fail. */
const OVERLOAD: LoadShape = { requestsPerSecond: 625, spansPerRequest: 4, failEvery: 100, seconds: 60 };
/** After the load stops, the effective rate is back at traceSampleRate within this (README, Reliability). */
const RECOVERY_MS = 10_000;

describe('adaptive sampling at 50 × the ingest budget for 60 s (simulated time)', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: whole traces, an estimate within ±5 %, every failure, bounded memory, back to the configured rate`, (t) => {
      const clock = new SimulatedClock();
      const process = new SimulatedProcess(clock, 'one');
      const [out] = simulate([process], clock, OVERLOAD, seed);
      assert.ok(out);
      const error = (out.estimate - out.served) / out.served;
      t.diagnostic(
        `served ${out.served}, traces received ${out.traces} (${out.keptOnFailure} failed roots alone), complete ${out.complete}, ` +
          `estimate ${out.estimate.toFixed(0)} (${(error * 100).toFixed(2)} %, ${out.unattributed} not yet stood for), ` +
          `failed ${out.failedReceived}/${out.failedServed}, peak queue ${out.peakQueue}, recovered in ${out.recoveredAfterMs} ms`,
      );
      assert.equal(out.served, 37_500);
      assert.ok(out.traces > 900, `a fair sample arrived: ${out.traces} traces`);
      assert.equal(out.complete, out.traces, 'every trace received is complete, parent links intact');
      assert.equal(out.queueFull, 0, 'no span of a kept trace met a full queue');
      assert.ok(Math.abs(error) <= 0.05, `estimate ${out.estimate.toFixed(0)} within ±5 % of ${out.served}`);
      // Not a draw around the served count: exact (sample-window.ts), but for traces offered after
      // the last kept root was encoded (README, Reliability), counted by the sampler.
      assert.ok(Math.abs(out.estimate + out.unattributed - out.served) < 1e-6, `estimate ${out.estimate} + ${out.unattributed} not yet stood for = ${out.served} served`);
      assert.ok(out.unattributed / out.served <= 0.02, `${out.unattributed} traces after the last kept root`);
      assert.equal(out.failedReceived, out.failedServed, 'every failed request arrived');
      // The failed roots sent alone stay inside the failure share of the budget.
      assert.ok(out.keptOnFailure <= FAILURE_SHARE * SPAN_BUDGET_PER_SECOND * (OVERLOAD.seconds + 10), `${out.keptOnFailure} failed roots alone`);
      assert.ok(out.peakQueue <= 1_000, `bounded memory: peak queue ${out.peakQueue} spans`);
      assert.ok(out.recoveredAfterMs <= RECOVERY_MS, `back at traceSampleRate ${out.recoveredAfterMs} ms after the load`);
      // Sent within the budget: what the ingest took in the load and the drain after it.
      assert.ok(out.receivedSpans <= SPAN_BUDGET_PER_SECOND * (OVERLOAD.seconds + 30), `${out.receivedSpans} spans received`);
      assert.equal(out.rateLimited, 0, 'one process on the key is never rate limited');
    });
  }

  it('a steady load holds a steady rate: no oscillation once it has settled', () => {
    const clock = new SimulatedClock();
    const [out] = simulate([new SimulatedProcess(clock, 'one')], clock, OVERLOAD, 7);
    const settled = out!.rates.slice(40); // after the first 10 s
    const changes = settled.filter((rate, i) => i > 0 && rate !== settled[i - 1]).length;
    assert.ok(Math.max(...settled) / Math.min(...settled) <= 1.5, `rate between ${Math.min(...settled)} and ${Math.max(...settled)}`);
    assert.ok(changes <= 10, `${changes} changes of rate in 50 s`);
    assert.ok(out!.rates[0]! < 0.05, 'lowered within the first tick (250 ms)');
  });

  it('two processes sharing one key split the budget without a storm of 429s', (t) => {
    const clock = new SimulatedClock();
    const processes = [new SimulatedProcess(clock, 'a'), new SimulatedProcess(clock, 'b')];
    const outs = simulate(processes, clock, OVERLOAD, 11);
    const limited = outs.map((o) => o.rateLimited);
    t.diagnostic(`429s ${limited.join(' + ')}; spans received ${outs.map((o) => o.receivedSpans).join(' + ')}; shares ${processes.map((p) => p.budget.share.toFixed(2)).join(', ')}`);
    for (const out of outs) {
      assert.ok(out.rateLimited <= 3, `${out.rateLimited} 429s`);
      assert.equal(out.complete, out.traces);
      assert.equal(out.failedReceived, out.failedServed);
      assert.ok(out.receivedSpans > 1_000, 'each process got its part of the budget');
    }
    for (const p of processes) assert.ok(p.budget.share < 1, 'each learned it shares the key');
  });

  it('traceBudgetShare lowers this process’s part of the budget', () => {
    const clock = new SimulatedClock();
    const half = new SimulatedProcess(clock, 'half', { budgetShare: 0.5 });
    const [out] = simulate([half], clock, OVERLOAD, 5);
    assert.ok(out!.receivedSpans <= 0.5 * SPAN_BUDGET_PER_SECOND * (OVERLOAD.seconds + 30), `${out!.receivedSpans} spans`);
    assert.equal(out!.rateLimited, 0);
    assert.equal(out!.complete, out!.traces);
  });

  it('with traceAdaptiveSampling off the rate stays at traceSampleRate', () => {
    const clock = new SimulatedClock();
    const off = new SimulatedProcess(clock, 'off', { adaptive: false, sampleRate: 0.5 });
    simulate([off], clock, { ...OVERLOAD, seconds: 5 }, 3);
    assert.equal(off.sampler.effectiveRate, 0.5);
    assert.ok(off.queueFull > 0, 'the lane drops spans at a full queue, as before');
  });
});

interface SamplingCase { trace_id: string; sampled: Record<string, boolean> }

describe('adaptive sampling at the configured rate without overload', () => {
  it('decides every vector trace as the reference does, at every rate of the vectors', () => {
    const vectors = readVector<{ cases: SamplingCase[] }>('sampling.json');
    let compared = 0;
    for (const rate of Object.keys(vectors.cases[0]!.sampled)) {
      const clock = new SimulatedClock();
      const process = new SimulatedProcess(clock, 'vectors', { sampleRate: Number(rate) });
      for (const c of vectors.cases) {
        process.tick(); // the controller runs; 200 traces a rate are far below the budget
        const span = startSpan('vector', { sink: process, root: true, traceHeader: c.trace_id });
        assert.equal(process.sampler.effectiveRate, Number(rate));
        assert.equal(span.sampled, c.sampled[rate], `${c.trace_id} at ${rate}`);
        span.discard();
        compared++;
      }
    }
    assert.equal(compared, 1400);
  });
});

/**
 * sample_rate per window (lib/core/sampling/sample-window.ts): Σ 1 / sample_rate over the kept
 * roots equals the traces offered, whatever the windows kept, with failed roots sent alone
 * counting once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SampleWindows } from '../../../lib/core/sampling/sample-window';

/** Offers `offered` traces in the open window, keeps `kept` of them; returns the kept roots' metadata (stamped when they end). */
function offer(windows: SampleWindows, offered: number, kept: number): Record<string, unknown>[] {
  const window = windows.current;
  window.offered += offered;
  window.kept += kept;
  return Array.from({ length: kept }, () => window.stamp({}));
}

function sum(roots: Record<string, unknown>[]): number {
  return roots.reduce((total, root) => total + 1 / (root.sample_rate as number), 0);
}

describe('sample windows', () => {
  it('a window stands for its own offered traces: kept / offered', () => {
    const windows = new SampleWindows();
    const roots = offer(windows, 40, 3);
    windows.finalize();
    assert.deepEqual(roots.map((r) => r.sample_rate), [3 / 40, 3 / 40, 3 / 40]);
    assert.equal(sum(roots), 40);
  });

  it('windows that kept nothing are stood for by the last kept roots not yet encoded, else by the next', () => {
    const windows = new SampleWindows();
    const first = offer(windows, 10, 2);
    windows.seal();
    offer(windows, 7, 0);
    windows.seal();
    offer(windows, 5, 0);
    windows.seal();
    assert.equal(windows.unattributed(), 0, 'the first window takes them');
    windows.finalize(); // the lane encodes the first window's roots
    assert.ok(Math.abs(sum(first) - 22) < 1e-9);
    offer(windows, 9, 0);
    windows.seal();
    assert.equal(windows.unattributed(), 9, 'nothing left to take them');
    const later = offer(windows, 3, 1);
    windows.finalize();
    assert.ok(Math.abs(sum(first) + sum(later) - 34) < 1e-9);
  });

  it('a root that ends after its window was sealed records the final rate; one before it is corrected', () => {
    const windows = new SampleWindows();
    const window = windows.current;
    window.offered = 8;
    window.kept = 2;
    const early = window.stamp({ 'http.method': 'GET' });
    assert.equal(early.sample_rate, 2 / 8);
    windows.seal();
    offer(windows, 8, 0);
    windows.seal();
    const late = window.stamp(null);
    windows.finalize();
    assert.equal(early.sample_rate, 2 / 16);
    assert.equal(late.sample_rate, 2 / 16);
    assert.equal(early['http.method'], 'GET');
  });

  it('failed roots sent alone count once: taken off the offered traces they were part of', () => {
    const windows = new SampleWindows();
    const roots = offer(windows, 100, 4);
    windows.current.alone += 6;
    windows.finalize();
    assert.ok(Math.abs(sum(roots) + 6 - 100) < 1e-9);
  });

  it('a kept root withdrawn (its request excluded) stands for nothing', () => {
    const windows = new SampleWindows();
    const window = windows.current;
    const roots = offer(windows, 20, 2);
    window.withdraw();
    windows.finalize();
    assert.equal(sum(roots.slice(0, 1)), 19);
  });
});

/**
 * The rate a local root is recorded at (`metadata.sample_rate`), made exact per window: the
 * sampler opens a window every controller tick; each local trace started in it is counted as
 * offered, and as kept when the decision kept it. When the window is sealed (at the next tick, or
 * when the export lane is about to encode a batch, whichever comes first) every kept root of the
 * window gets `sample_rate = kept / offered` of the window, so Σ 1 / sample_rate over the kept
 * roots of a window is its offered count exactly, not a Binomial draw around it.
 *
 * - A window that kept nothing hands its offered count on to the next one, whose kept roots stand
 *   for both: no offered trace is lost from the sum because its window happened to keep none.
 * - A failed root sent alone (sample_rate 1, it counts once) is taken off the offered count of the
 *   window open when it failed, so it is not counted twice (as itself and inside the weight).
 * - A root that ends while its window is still open is recorded with the window's rate so far and
 *   corrected when the window is sealed (its metadata object is still in the export queue, not yet
 *   encoded: the lane seals before it encodes).
 *
 * What the sum then misses: traces of the last windows that kept nothing yet, and kept roots that
 * never reach the ingest (dropped by a full queue, at shutdown, or discarded after the window was
 * sealed). Both are counted in stats().
 */

export class SampleWindow {
  offered = 0;
  kept = 0;
  /** Failed roots of traces not kept, sent alone while this window was open. */
  alone = 0;
  /** kept / offered, final once sealed. */
  rate = 0;
  sealed = false;
  /** Metadata of roots recorded while the window was open: their sample_rate is set at sealing. */
  private pending: Record<string, unknown>[] | null = null;

  /** The rate a root of this window records now: final once sealed, the window's share so far before. */
  rateNow(): number {
    if (this.sealed) return this.rate;
    return this.offered > this.alone ? Math.min(1, this.kept / (this.offered - this.alone)) : 1;
  }

  /** A kept root's metadata (a fresh object, or null) with `sample_rate`: final, or corrected at sealing. */
  stamp<M extends Record<string, unknown>>(metadata: M | null): M {
    const stamped = (metadata ?? {}) as Record<string, unknown>;
    stamped.sample_rate = this.rateNow();
    if (!this.sealed) (this.pending ??= []).push(stamped);
    return stamped as M;
  }

  /** A kept trace of this window will send no root (its request was excluded): it stands for nothing. */
  withdraw(): void {
    if (this.sealed) return;
    this.offered--;
    this.kept--;
  }

  /**
   * Seals the window; returns what it hands on to the next: its offered count if it kept nothing,
   * and the failed roots sent alone that its own offered count could not take.
   */
  seal(): { offered: number; alone: number } {
    this.sealed = true;
    if (this.kept <= 0) {
      this.pending = null;
      return { offered: this.offered, alone: this.alone };
    }
    const aloneTaken = Math.min(this.alone, this.offered - this.kept);
    this.rate = this.kept / (this.offered - aloneTaken);
    const pending = this.pending;
    this.pending = null;
    if (pending !== null) for (const metadata of pending) metadata.sample_rate = this.rate;
    return { offered: 0, alone: this.alone - aloneTaken };
  }
}

/** The open window and the handing on between windows. */
export class SampleWindows {
  current = new SampleWindow();

  /** Seals the open window and opens the next (a no-op when nothing happened in it). */
  seal(): void {
    const closing = this.current;
    if (closing.offered === 0 && closing.alone === 0) return;
    const carried = closing.seal();
    const next = new SampleWindow();
    next.offered = carried.offered;
    next.alone = carried.alone;
    this.current = next;
  }
}

/**
 * The rate a local root is recorded at (`metadata.sample_rate`), made exact per window: the
 * sampler opens a window every controller tick; each local trace started in it is counted as
 * offered, and as kept when the decision kept it. When the window is sealed (at the next tick, or
 * when the export lane is about to encode a batch, whichever comes first) every kept root of the
 * window gets `sample_rate = kept / offered` of the window (final once the lane encodes), so Σ 1 / sample_rate over the kept
 * roots of a window is its offered count exactly, not a Binomial draw around it.
 *
 * - A window that kept nothing gives its offered count to the last window that kept something, as
 *   long as that window's roots are not encoded yet (their sample_rate is corrected), else to the
 *   next window: no offered trace is lost from the sum because its window happened to keep none.
 * - A failed root sent alone (sample_rate 1, it counts once) is taken off the offered count of the
 *   window open when it failed, so it is not counted twice (as itself and inside the weight).
 * - A root that ends while its window is still open is recorded with the window's rate so far and
 *   corrected when the window is sealed (its metadata object is still in the export queue, not yet
 *   encoded: the lane seals before it encodes).
 *
 * What the sum then misses: traces offered after the last kept root once that root was encoded
 * (unattributed()), and kept roots that never reach the ingest (dropped by a full queue, at shutdown, or discarded after the window was
 * sealed). Both are counted in stats().
 */

const OPEN = 0;
/** Sealed, but its roots are not encoded yet: windows after it that keep nothing add their offered count to it. */
const REVISABLE = 1;
const FINAL = 2;

export class SampleWindow {
  offered = 0;
  kept = 0;
  /** Failed roots of traces not kept, sent alone while this window was open. */
  alone = 0;
  /** kept / (offered − alone taken) once sealed. */
  rate = 1;
  private state = OPEN;
  /** Of `alone`, what the offered count could not take, already handed to a later window. */
  private aloneHanded = 0;
  /** Metadata of its roots recorded before the window is final: their sample_rate follows the window's. */
  private pending: Record<string, unknown>[] | null = null;
  /** The sample_rate every pending root holds (NaN when they differ): without overload all say 1, and nothing is rewritten. */
  private pendingRate = Number.NaN;

  /** The rate a root of this window records now: the window's share so far while open. */
  rateNow(): number {
    if (this.state !== OPEN) return this.rate;
    return this.offered > this.alone ? Math.min(1, this.kept / (this.offered - this.alone)) : 1;
  }

  /** A kept root's metadata (a fresh object, or null) with `sample_rate`: final, or corrected until the window is. */
  stamp<M extends Record<string, unknown>>(metadata: M | null): M & { sample_rate: number } {
    const stamped = (metadata ?? {}) as Record<string, unknown>;
    const rate = this.rateNow();
    stamped.sample_rate = rate;
    if (this.state === FINAL) return stamped as M & { sample_rate: number };
    if (this.pending === null) {
      this.pending = [];
      this.pendingRate = rate;
    } else if (this.pendingRate !== rate) this.pendingRate = Number.NaN;
    this.pending.push(stamped);
    return stamped as M & { sample_rate: number };
  }

  /** A kept trace of this window will send no root (its request was excluded): it stands for nothing. */
  withdraw(): void {
    if (this.state === FINAL) return;
    this.offered--;
    this.kept--;
    if (this.state === REVISABLE && this.kept > 0) this.settle();
  }

  /**
   * A kept root of this window will not be sent (its trace was dropped whole): it no longer
   * counts as kept, so the window's other roots stand for its request. Once final, too late: the
   * sum misses it (counted in stats().traces.dropped).
   */
  lose(): void {
    if (this.state === FINAL || this.kept === 0) return;
    this.kept--;
    if (this.state === REVISABLE && this.kept > 0) this.settle();
  }

  /** Seals a window that kept something; returns the failed roots sent alone it hands on. */
  seal(): number {
    this.state = REVISABLE;
    return this.settle();
  }

  /** A later window that kept nothing: its traces are stood for by this one's roots. Returns the alone roots handed on. */
  absorb(offered: number, alone: number): number {
    this.offered += offered;
    this.alone += alone;
    return this.settle();
  }

  /** Its roots are about to be encoded: no more corrections. */
  finalize(): void {
    this.state = FINAL;
    this.pending = null;
  }

  private settle(): number {
    const aloneTaken = Math.min(this.alone, this.offered - this.kept);
    this.rate = this.kept / (this.offered - aloneTaken);
    const pending = this.pending;
    if (pending !== null && this.pendingRate !== this.rate) {
      for (const metadata of pending) metadata.sample_rate = this.rate;
      this.pendingRate = this.rate;
    }
    const handed = this.alone - aloneTaken - this.aloneHanded;
    this.aloneHanded += handed;
    return handed;
  }
}

/**
 * The open window, the last sealed window that kept something (while its roots are not encoded),
 * and the handing on between windows.
 */
export class SampleWindows {
  current = new SampleWindow();
  private revisable: SampleWindow | null = null;

  /** Seals the open window and opens the next (a no-op when nothing happened in it). */
  seal(): void {
    const closing = this.current;
    if (closing.offered === 0 && closing.alone === 0) return;
    const next = new SampleWindow();
    if (closing.kept > 0) {
      this.revisable?.finalize();
      this.revisable = closing;
      next.alone = closing.seal();
    } else if (this.revisable !== null) {
      next.alone = this.revisable.absorb(closing.offered, closing.alone);
    } else {
      next.offered = closing.offered;
      next.alone = closing.alone;
    }
    this.current = next;
  }

  /** Before the export lane encodes: seals the open window and makes every sealed one final. */
  finalize(): void {
    this.seal();
    this.revisable?.finalize();
    this.revisable = null;
  }

  /** Traces offered that no kept root stands for yet (what the open window hands on if it keeps nothing and nothing before it can take them). */
  unattributed(): number {
    const open = this.current;
    if (open.kept > 0 || this.revisable !== null) return 0;
    return Math.max(0, open.offered - open.alone);
  }
}

/**
 * A kept trace's spans in this process, held until its local root ends so that they reach the
 * export queue together or not at all. A local root is a recording span with no recording parent
 * here: a new root, a root continuing an inbound header, or a span directly under a continued
 * trace's context (a message arriving); its children share its group (trace-start.ts).
 *
 * - A child that ends while its root is open is built as always, then held (bounded per trace and
 *   per process: core/export/span-groups.ts). Past a cap the trace is cut: what it held is dropped
 *   and counted, and every later span of it, the root included, is dropped before it is built.
 * - When the root ends, it is built and queued with what it held in one call when the queue has
 *   room for all of them; otherwise none is built, all are dropped and counted (`queue_full`), and
 *   the root is taken out of its sample window, so the window's other roots stand for it.
 * - A span that ends after its root (fire-and-forget work) is queued alone, as without groups,
 *   when the trace was queued; when it was not, it is dropped too (the same cause).
 */
import type { SampleWindow } from '../core/sampling/sample-window';
import type { HeldDropCause, HeldGroup, SpanGroupSink, TraceSink } from '../core/trace-sink';
import type { SpanRecord } from '../core/types';

/** What the group needs of a span of its trace (a RecordingSpan). */
export interface GroupMember {
  readonly sink: TraceSink;
  readonly sampleWindow: SampleWindow | null;
}

const NONE: readonly SpanRecord[] = Object.freeze([]);

export class SpanGroup implements HeldGroup {
  /** The records of its ended children, while the root is open (allocated by the first). */
  private held: SpanRecord[] | null = null;
  /** Why the trace sends nothing more (cut, dropped for room, client stopped, root discarded); null while it may. */
  private cause: HeldDropCause | null = null;
  private rootEnded = false;
  heldSlot = -1;

  constructor(
    private readonly groups: SpanGroupSink,
    private readonly root: GroupMember,
  ) {}

  get heldSpans(): readonly SpanRecord[] | null {
    return this.held;
  }

  /** Dropped whole by the process side (a trace held too long: span-groups.ts). */
  cut(cause: HeldDropCause): void {
    if (this.cause === null) this.drop(cause, 0);
  }

  /** A span of this trace ends: true when it is dropped (counted) before its record is built. */
  dropsBeforeBuild(span: GroupMember): boolean {
    if (span === this.root) return this.dropsRoot(span);
    if (this.cause !== null) {
      this.groups.dropHeld(this, NONE, this.cause, 1);
      return true;
    }
    return this.rootEnded ? span.sink.dropSpanIfFull() : false;
  }

  /** The record of a span dropsBeforeBuild() let through. */
  add(span: GroupMember, record: SpanRecord): void {
    if (span === this.root) {
      const held = this.held ?? NONE;
      this.held = null;
      return this.groups.enqueueGroup(this, record, held);
    }
    if (this.rootEnded) return span.sink.enqueueSpan(record);
    const held = (this.held ??= []);
    const cut = this.groups.hold(held, this);
    if (cut === null) held.push(record);
    else this.drop(cut, 1);
  }

  /** The root was discarded (an excluded route): what its trace held, or will end, is not sent. */
  discarded(span: GroupMember): void {
    if (span !== this.root || this.rootEnded) return;
    this.rootEnded = true;
    this.drop('root_discarded', 0);
  }

  private dropsRoot(root: GroupMember): boolean {
    this.rootEnded = true;
    if (this.cause === null) {
      const full = this.groups.dropGroupIfFull(this, this.held ?? NONE);
      if (full === null) return false;
      this.cause = full;
      this.held = null;
    } else this.groups.dropHeld(this, NONE, this.cause, 1);
    if (root.sampleWindow !== null) root.sink.sampler?.lost(root.sampleWindow);
    return true;
  }

  private drop(cause: HeldDropCause, unbuilt: number): void {
    this.cause = cause;
    this.groups.dropHeld(this, this.held ?? NONE, cause, unbuilt);
    this.held = null;
  }
}

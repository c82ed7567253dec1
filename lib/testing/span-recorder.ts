/**
 * TeracronRecorder: what the testing module keeps instead of exporting it. Spans and events are
 * stored as the client would have sent them (sampled, sanitised, scrubbed, captured), in the
 * order they ended; tests read them as lists or as trees, clear them, and wait for spans still
 * running. Waits are driven by each recorded span, never by polling, and always bounded.
 */
import type { SpanRecord, WorkflowEventRecord } from '../core/types';

/** A recorded span with the spans recorded under it, earliest start first. */
export type SpanNode = SpanRecord & { children: SpanNode[] };

/** Fields a span must have (all given ones), or a predicate. */
export type SpanMatch = Partial<Pick<SpanRecord, 'trace_id' | 'span_id' | 'parent_span_id' | 'workflow' | 'operation' | 'status'>> | ((span: SpanRecord) => boolean);

export interface WaitOptions {
  /** Default 5000 ms. The wait rejects with what was recorded meanwhile. */
  timeoutMs?: number;
}

interface Waiter {
  done(): boolean;
}

const DEFAULT_WAIT_MS = 5_000;

export class TeracronRecorder {
  private recordedSpans: SpanRecord[] = [];
  private recordedEvents: WorkflowEventRecord[] = [];
  private readonly waiters = new Set<Waiter>();

  /** Every recorded span, in the order they ended. */
  spans(match?: SpanMatch): SpanRecord[] {
    return match === undefined ? this.recordedSpans.slice() : this.recordedSpans.filter(matcher(match));
  }

  /** Every recorded workflow event (with `traceEmitEvents` on, and events emitted with `emitEvent`). */
  events(): WorkflowEventRecord[] {
    return this.recordedEvents.slice();
  }

  /** The recorded spans of one trace as trees: its roots (usually one), each with its children. */
  trace(traceId: string): SpanNode[] {
    return treesOf(this.recordedSpans.filter((span) => span.trace_id === traceId));
  }

  /** Every recorded trace as trees: all roots, earliest start first. */
  traces(): SpanNode[] {
    return treesOf(this.recordedSpans);
  }

  /** Forgets every recorded span and event (between tests). */
  clear(): void {
    this.recordedSpans = [];
    this.recordedEvents = [];
  }

  /** Resolves with the first recorded span that matches, waiting for it if it is still running. */
  waitForSpan(match: SpanMatch, options: WaitOptions = {}): Promise<SpanRecord> {
    const test = matcher(match);
    return this.waitUntil(() => this.recordedSpans.find(test), options, 'a span matching the given fields');
  }

  /** Resolves with the recorded spans once at least `count` have been recorded (since the last clear). */
  waitForSpans(count: number, options: WaitOptions = {}): Promise<SpanRecord[]> {
    return this.waitUntil(() => (this.recordedSpans.length >= count ? this.recordedSpans.slice() : undefined), options, `${count} spans`);
  }

  /**
   * Resolves with a trace's trees once its root span has ended (the span that started the trace
   * here, with no parent): a request's root ends after the work it awaited, so the tree is whole.
   * For a trace continued from another process, wait for its spans with waitForSpan.
   */
  waitForTrace(traceId: string, options: WaitOptions = {}): Promise<SpanNode[]> {
    return this.waitUntil(
      () => (this.recordedSpans.some((span) => span.trace_id === traceId && span.parent_span_id === null) ? this.trace(traceId) : undefined),
      options,
      `the root span of trace ${traceId}`,
    );
  }

  /** Called by the recording client for each span that ends in a sampled trace. */
  recordSpan(span: SpanRecord): void {
    this.recordedSpans.push(span);
    if (this.waiters.size > 0) for (const waiter of [...this.waiters]) if (waiter.done()) this.waiters.delete(waiter);
  }

  recordEvent(event: WorkflowEventRecord): void {
    this.recordedEvents.push(event);
  }

  private waitUntil<T>(check: () => T | undefined, options: WaitOptions, what: string): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        done: () => {
          const value = check();
          if (value === undefined) return false;
          clearTimeout(timer);
          resolve(value);
          return true;
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.recordedSpans.map((span) => span.operation).join(', ') || 'none';
        reject(new Error(`TeracronRecorder: waited ${timeoutMs} ms for ${what}; recorded spans: ${seen}`));
      }, timeoutMs);
      // A test that forgot a wait must not keep its process alive.
      timer.unref();
      this.waiters.add(waiter);
    });
  }
}

function matcher(match: SpanMatch): (span: SpanRecord) => boolean {
  if (typeof match === 'function') return match;
  const entries = Object.entries(match) as Array<[keyof SpanRecord, unknown]>;
  return (span) => entries.every(([key, value]) => span[key] === value);
}

/** Parents above children; a span whose parent was not recorded here is a root. */
function treesOf(spans: readonly SpanRecord[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const span of spans) nodes.set(span.span_id, { ...span, children: [] });
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent_span_id === null ? undefined : nodes.get(node.parent_span_id);
    if (parent !== undefined && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode): number => a.started_at - b.started_at;
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort(byStart);
}

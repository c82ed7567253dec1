/**
 * What happened to the items of one kind: the numbers `client.stats()` reports. At every moment
 * `enqueued = sent + droppedTotal + inQueue + inFlight + held`.
 */
export type DropCause =
  | 'queue_full'
  | 'stale'
  | 'too_large'
  | 'shutdown'
  | 'encode_failed'
  /** Refused one by one by the ingest (the `dropped` of its 202 body). */
  | 'server_dropped'
  /** Spans of a trace cut whole: it held more than its cap of spans waiting for its local root (span-groups.ts). */
  | 'trace_over_cap'
  /** Spans of a trace cut whole: the process held its cap of spans waiting for their local roots. */
  | 'held_full'
  /** Held spans of a trace whose local root was discarded (an excluded route): sent without it they would be a trace cut. */
  | 'root_discarded'
  /** Held spans of a trace whose local root did not end before the oldest was 9 minutes old (the ingest would refuse it), and the trace's later spans. */
  | 'never_ended'
  | `rejected_${number}`;

export interface KindStats {
  enqueued: number;
  sent: number;
  /** Items in batches that were sent again after a transient failure. */
  retried: number;
  dropped: Partial<Record<DropCause, number>>;
  droppedTotal: number;
  inQueue: number;
  /** Items of the request on the wire now. */
  inFlight: number;
  /** Spans of kept traces waiting for their local root to end, counted as enqueued (0 for the other kinds). */
  held: number;
  requests: number;
}

export class StatsCounter {
  enqueued = 0;
  sent = 0;
  retried = 0;
  requests = 0;
  inFlight = 0;
  held = 0;
  droppedTotal = 0;
  private readonly dropped: Partial<Record<DropCause, number>> = {};

  drop(cause: DropCause, count = 1): void {
    if (count <= 0) return;
    this.dropped[cause] = (this.dropped[cause] ?? 0) + count;
    this.droppedTotal += count;
  }

  snapshot(inQueue: number): KindStats {
    return {
      enqueued: this.enqueued,
      sent: this.sent,
      retried: this.retried,
      dropped: { ...this.dropped },
      droppedTotal: this.droppedTotal,
      inQueue,
      inFlight: this.inFlight,
      held: this.held,
      requests: this.requests,
    };
  }
}

/** `spans 12 (shutdown 10, queue_full 2), metrics 1 (stale 1)`, or undefined when nothing was dropped. */
export function describeDrops(stats: Record<string, KindStats>): string | undefined {
  const parts: string[] = [];
  for (const [name, kind] of Object.entries(stats) as Array<[string, KindStats]>) {
    if (kind.droppedTotal === 0) continue;
    const causes = Object.entries(kind.dropped).map(([cause, count]) => `${cause} ${count}`);
    parts.push(`${name} ${kind.droppedTotal} (${causes.join(', ')})`);
  }
  return parts.length === 0 ? undefined : parts.join(', ');
}

/** Test faults applied to the next matching requests: a fixed status, a delay, a hang, a dropped socket. */
import type { IngestKind } from './ingest-routes';

export interface IngestFault {
  /** Answer this status instead of processing the request. */
  status?: number;
  /** Sent as Retry-After with `status`. */
  retryAfter?: string | number;
  /** Wait this long before handling (or answering `status`). */
  delayMs?: number;
  /** Read the request and never answer until close(). */
  hang?: boolean;
  /** Destroy the socket without an answer. */
  dropConnection?: boolean;
  /** How many requests it applies to. Default 1; Infinity for all. */
  count?: number;
  /** Only requests of this route. Default all. */
  route?: IngestKind;
}

export class FaultInjector {
  private faults: Array<IngestFault & { remaining: number }> = [];

  add(fault: IngestFault): void {
    this.faults.push({ ...fault, remaining: fault.count ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** Takes the first fault that matches this route, consuming one use of it. */
  take(kind: IngestKind): IngestFault | undefined {
    const index = this.faults.findIndex((fault) => fault.route === undefined || fault.route === kind);
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }
}

/**
 * Server-Sent Events for the UI and `teracron-agent tail`: every accepted batch is pushed to each
 * open stream. Bounded so that idle or hostile connections cannot take the UI offline:
 * - at most `maxStreams` streams; a new one closes the oldest (a real client reconnects by itself:
 *   EventSource after the `retry` delay, tail at once), so a flood of idle streams never locks the UI out;
 * - each stream's unsent bytes are capped: a reader that falls behind is closed, not buffered for;
 * - a heartbeat comment every `heartbeatMs` keeps a quiet stream open through proxies, and streams
 *   older than `maxAgeMs` are closed, so an idle connection is released even if never evicted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SseHubOptions {
  /** Default 64. */
  maxStreams?: number;
  /** Default 15 s. */
  heartbeatMs?: number;
  /** Default 10 min. */
  maxAgeMs?: number;
  /** Default 1 MiB. */
  maxUnsentBytes?: number;
}

export class SseHub {
  /** In opening order: the first is the oldest. */
  private readonly streams = new Map<ServerResponse, number>();
  private readonly maxStreams: number;
  private readonly heartbeatMs: number;
  private readonly maxAgeMs: number;
  private readonly maxUnsentBytes: number;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Streams closed because their reader fell behind. */
  slowClosed = 0;
  /** Streams closed to make room for a newer one. */
  evicted = 0;
  /** Streams closed for their age. */
  expired = 0;

  constructor(options: SseHubOptions = {}) {
    this.maxStreams = options.maxStreams ?? 64;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.maxUnsentBytes = options.maxUnsentBytes ?? 1024 * 1024;
  }

  get size(): number {
    return this.streams.size;
  }

  open(req: IncomingMessage, res: ServerResponse): void {
    while (this.streams.size >= this.maxStreams) {
      const oldest = this.streams.keys().next().value!;
      this.evicted++;
      this.close(oldest);
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    this.streams.set(res, Date.now());
    const drop = () => this.streams.delete(res);
    req.on('close', drop);
    res.on('close', drop);
    res.on('error', drop);
    this.heartbeat ??= setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  broadcast(event: string, data: unknown): void {
    if (this.streams.size === 0) return;
    this.writeAll(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  closeAll(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const res of [...this.streams.keys()]) this.close(res);
  }

  private beat(): void {
    const cutoff = Date.now() - this.maxAgeMs;
    for (const [res, openedAt] of this.streams) {
      if (openedAt > cutoff) break;
      this.expired++;
      this.close(res);
    }
    if (this.streams.size === 0) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
      return;
    }
    // Comments keep proxies and idle sockets from closing a quiet stream.
    this.writeAll(': ping\n\n');
  }

  private close(res: ServerResponse): void {
    this.streams.delete(res);
    // Not end(): that waits for a reader, and one that never reads must not keep the socket.
    res.destroy();
  }

  private writeAll(frame: string): void {
    for (const res of [...this.streams.keys()]) {
      if (res.writableLength > this.maxUnsentBytes) {
        this.slowClosed++;
        this.streams.delete(res);
        res.destroy();
        continue;
      }
      res.write(frame);
    }
  }
}

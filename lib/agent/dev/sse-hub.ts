/**
 * Server-Sent Events for the UI and `teracron-agent tail`: every accepted batch is pushed to
 * each open stream. Bounded: a capped number of streams, and a stream that stops reading
 * (its unsent bytes pass a limit) is closed rather than buffered without end.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_STREAMS = 32;
const MAX_UNSENT_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

export class SseHub {
  private readonly streams = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** Streams closed because their reader fell behind. */
  slowClosed = 0;

  get size(): number {
    return this.streams.size;
  }

  open(req: IncomingMessage, res: ServerResponse): void {
    if (this.streams.size >= MAX_STREAMS) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('too many live streams\n');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    this.streams.add(res);
    const drop = () => this.streams.delete(res);
    req.on('close', drop);
    res.on('close', drop);
    res.on('error', drop);
    if (this.heartbeat === undefined) {
      // Comments keep proxies and idle sockets from closing a quiet stream.
      this.heartbeat = setInterval(() => this.writeAll(': ping\n\n'), HEARTBEAT_MS);
      this.heartbeat.unref();
    }
  }

  broadcast(event: string, data: unknown): void {
    if (this.streams.size === 0) return;
    this.writeAll(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  closeAll(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const res of this.streams) res.end();
    this.streams.clear();
  }

  private writeAll(frame: string): void {
    for (const res of this.streams) {
      if (res.writableLength > MAX_UNSENT_BYTES) {
        this.slowClosed++;
        this.streams.delete(res);
        res.destroy();
        continue;
      }
      res.write(frame);
    }
  }
}

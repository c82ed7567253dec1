/**
 * `teracron-agent tail`: follows the local Teracron's live stream and prints spans as indented
 * trees, one block per trace, once its root span arrives or when it has been quiet for a moment
 * (spans are sent as they end, so children come first). Reconnects until stopped.
 */
import http from 'node:http';
import type { SpanRecord } from '../core/types';
import { SseParser } from './sse-parser';
import { formatTraceTree } from './span-tree-text';

export interface TailOptions {
  /** Origin of the local Teracron, e.g. http://127.0.0.1:7415 */
  url: string;
  signal: AbortSignal;
  write?: (line: string) => void;
  /** How long a trace without its root waits before it is printed. Default 1500 ms. */
  settleMs?: number;
  /** Delay between reconnection attempts. Default 2000 ms. */
  retryMs?: number;
}

const MAX_PENDING_TRACES = 1000;
const MAX_REMEMBERED_TRACES = 5000;

export async function runTail(options: TailOptions): Promise<void> {
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const printer = new TracePrinter(write, options.settleMs ?? 1500);
  let announcedOutage = false;
  let following = false;
  try {
    while (!options.signal.aborted) {
      let opened = false;
      const outcome = await followStream(options.url, options.signal, (spans) => printer.add(spans), () => {
        if (!following) write(`following spans at ${options.url} (Ctrl-C to stop)`);
        opened = true;
        following = true;
        announcedOutage = false;
      });
      if (options.signal.aborted) break;
      // The server recycles old streams: reconnect soon, and say nothing unless that fails.
      if (opened) {
        await delay(250, options.signal);
        continue;
      }
      following = false;
      if (!announcedOutage) {
        write(`waiting for the local Teracron at ${options.url} (${outcome}); is \`teracron-agent dev\` running?`);
        announcedOutage = true;
      }
      await delay(options.retryMs ?? 2000, options.signal);
    }
  } finally {
    printer.flushAll();
  }
}

/** Resolves with a short reason when the stream ends or cannot be opened. */
function followStream(url: string, signal: AbortSignal, onSpans: (spans: SpanRecord[]) => void, onOpen: () => void): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/api/stream`, { headers: { accept: 'text/event-stream' }, signal }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        resolve(`it answered ${res.statusCode}`);
        return;
      }
      onOpen();
      const parser = new SseParser();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        for (const message of parser.push(chunk)) {
          if (message.event !== 'spans') continue;
          try {
            const spans = JSON.parse(message.data) as SpanRecord[];
            if (Array.isArray(spans)) onSpans(spans);
          } catch {
            // A damaged frame; the next one is independent.
          }
        }
      });
      res.on('close', () => resolve('the stream closed'));
      res.on('error', () => resolve('the stream broke'));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

class TracePrinter {
  private readonly pending = new Map<string, { spans: SpanRecord[]; timer: NodeJS.Timeout }>();
  private readonly printed = new Set<string>();

  constructor(private readonly write: (line: string) => void, private readonly settleMs: number) {}

  add(spans: readonly SpanRecord[]): void {
    const touched = new Set<string>();
    for (const span of spans) {
      if (typeof span?.trace_id !== 'string') continue;
      let entry = this.pending.get(span.trace_id);
      if (entry === undefined) {
        if (this.pending.size >= MAX_PENDING_TRACES) this.flush(this.pending.keys().next().value!);
        entry = { spans: [], timer: setTimeout(() => this.flush(span.trace_id), this.settleMs) };
        this.pending.set(span.trace_id, entry);
      }
      entry.spans.push(span);
      touched.add(span.trace_id);
    }
    for (const traceId of touched) {
      if (this.pending.get(traceId)?.spans.some((s) => s.parent_span_id === null)) this.flush(traceId);
    }
  }

  flushAll(): void {
    for (const traceId of [...this.pending.keys()]) this.flush(traceId);
  }

  private flush(traceId: string): void {
    const entry = this.pending.get(traceId);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.pending.delete(traceId);
    const continued = this.printed.has(traceId);
    for (const line of formatTraceTree(traceId, entry.spans, continued)) this.write(line);
    this.printed.add(traceId);
    if (this.printed.size > MAX_REMEMBERED_TRACES) this.printed.delete(this.printed.values().next().value!);
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * One kind of record (spans, events or metrics) kept as append-only JSONL segment files.
 * Invariants: the bytes held (on disk and mirrored in memory) never exceed the budget, since the
 * oldest segments are evicted before a line that would cross it is written; writes are async
 * and ordered (one WriteStream per segment), and `written()` says when they reached the file;
 * on load, every line that is not a usable record (torn by a crash, garbage, binary, or valid JSON
 * of the wrong shape) is skipped and counted, wherever it is.
 */
import { createWriteStream, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';

export interface LogEntry<T> {
  /** Unix ms at which the local Teracron received the record (age pruning uses it, not client clocks). */
  t: number;
  r: T;
}

interface Segment<T> {
  seq: number;
  file: string;
  bytes: number;
  entries: LogEntry<T>[];
  stream?: WriteStream;
  /** Settles once the segment's stream has closed; unlinking waits for it, or a late open would recreate the file. */
  closed?: Promise<void>;
}

export interface SegmentLogOptions<T> {
  dir: string;
  kind: string;
  budgetBytes: number;
  segmentBytes: number;
  /** Whether a loaded record can be used; the others are skipped and counted. */
  isRecord: (value: unknown) => value is T;
}

export class SegmentLog<T> {
  private readonly segments: Segment<T>[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly writes = new Set<Promise<void>>();
  private totalBytes = 0;
  private nextSeq = 1;
  /** Records refused because one alone is larger than a segment. */
  oversized = 0;
  /** Records removed by size or age pruning. */
  evicted = 0;
  /** Lines of earlier runs that could not be used (see load). */
  skipped = 0;

  constructor(private readonly options: SegmentLogOptions<T>) {}

  get bytes(): number {
    return this.totalBytes;
  }

  get count(): number {
    let n = 0;
    for (const segment of this.segments) n += segment.entries.length;
    return n;
  }

  /** Reads the existing segments (start-up only, so synchronous I/O is acceptable here). */
  load(): void {
    const pattern = new RegExp(`^${this.options.kind}-(\\d{8})\\.jsonl$`);
    const found = readdirSync(this.options.dir)
      .map((name) => ({ name, match: pattern.exec(name) }))
      .filter((f) => f.match !== null)
      .map((f) => ({ file: path.join(this.options.dir, f.name), seq: Number(f.match![1]) }))
      .sort((a, b) => a.seq - b.seq);
    for (const { file, seq } of found) {
      const text = readFileSync(file, 'utf8');
      const entries: LogEntry<T>[] = [];
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const entry = parseLine(line);
        if (entry !== undefined && this.options.isRecord(entry.r)) entries.push(entry as LogEntry<T>);
        else this.skipped++;
      }
      const bytes = Buffer.byteLength(text);
      this.segments.push({ seq, file, bytes, entries });
      this.totalBytes += bytes;
      this.nextSeq = seq + 1;
    }
    // Never append to a segment from a previous run: its last line may be torn.
    this.evictUntilFits(0);
  }

  /** Appends records; returns the entries actually kept (oversized ones are refused and counted). */
  append(records: readonly T[], receivedAt: number): LogEntry<T>[] {
    const kept: LogEntry<T>[] = [];
    let chunk = '';
    let active = this.activeSegment();
    for (const record of records) {
      const entry: LogEntry<T> = { t: receivedAt, r: record };
      const line = JSON.stringify(entry) + '\n';
      const size = Buffer.byteLength(line);
      if (size > this.options.segmentBytes) {
        this.oversized++;
        continue;
      }
      if (active === undefined || active.bytes + size > this.options.segmentBytes) {
        if (active && chunk !== '') this.write(active, chunk);
        chunk = '';
        active = this.openSegment();
      }
      this.evictUntilFits(size, active);
      active.entries.push(entry);
      active.bytes += size;
      this.totalBytes += size;
      chunk += line;
      kept.push(entry);
    }
    if (active && chunk !== '') this.write(active, chunk);
    return kept;
  }

  /** Drops whole closed segments whose newest record was received before `cutoff`. */
  pruneOlderThan(cutoff: number): number {
    let removed = 0;
    for (let oldest = this.segments[0]; oldest !== undefined && oldest.stream === undefined; oldest = this.segments[0]) {
      const newest = oldest.entries[oldest.entries.length - 1];
      if (newest !== undefined && newest.t >= cutoff) break;
      removed += this.removeOldest();
    }
    return removed;
  }

  *entries(): IterableIterator<LogEntry<T>> {
    for (const segment of this.segments) yield* segment.entries;
  }

  /** Newest first, at most `limit`. */
  latest(limit: number): LogEntry<T>[] {
    const out: LogEntry<T>[] = [];
    for (let s = this.segments.length - 1; s >= 0 && out.length < limit; s--) {
      const list = this.segments[s]!.entries;
      for (let i = list.length - 1; i >= 0 && out.length < limit; i--) out.push(list[i]!);
    }
    return out;
  }

  async close(): Promise<void> {
    for (const segment of this.segments) this.endStream(segment);
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private activeSegment(): Segment<T> | undefined {
    const last = this.segments[this.segments.length - 1];
    return last?.stream !== undefined ? last : undefined;
  }

  private openSegment(): Segment<T> {
    const previous = this.activeSegment();
    if (previous) this.endStream(previous);
    const seq = this.nextSeq++;
    const file = path.join(this.options.dir, `${this.options.kind}-${String(seq).padStart(8, '0')}.jsonl`);
    const stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
    // A full disk must not crash the server: the in-memory view stays correct for this run.
    stream.on('error', () => {});
    const segment: Segment<T> = { seq, file, bytes: 0, entries: [], stream };
    this.segments.push(segment);
    return segment;
  }

  /** Evicts the oldest segments (never `keep`) until `incoming` more bytes fit in the budget. */
  private evictUntilFits(incoming: number, keep?: Segment<T>): void {
    while (this.totalBytes + incoming > this.options.budgetBytes && this.segments.length > 0 && this.segments[0] !== keep) {
      this.removeOldest();
    }
  }

  private removeOldest(): number {
    const oldest = this.segments.shift()!;
    this.endStream(oldest);
    this.totalBytes -= oldest.bytes;
    this.evicted += oldest.entries.length;
    const file = oldest.file;
    this.track((oldest.closed ?? Promise.resolve()).then(() => unlink(file)).catch(() => {}));
    this.onEvict?.();
    return oldest.entries.length;
  }

  /** Called after segments are evicted, so indexes built over the entries can be rebuilt. */
  onEvict?: () => void;

  /**
   * Settles once every record appended so far has been written to its file (handed to the OS:
   * it survives the process being killed, not a power cut). Rejects when one of those writes failed.
   */
  async written(): Promise<void> {
    await Promise.all([...this.writes]);
  }

  private write(segment: Segment<T>, chunk: string): void {
    const stream = segment.stream;
    if (stream === undefined) return;
    const done = new Promise<void>((resolve, reject) => {
      stream.write(chunk, (error) => (error ? reject(error) : resolve()));
    });
    this.writes.add(done);
    // Handled here; written() reports the failure to whoever waits for this write.
    done.then(
      () => this.writes.delete(done),
      () => this.writes.delete(done),
    );
  }

  private endStream(segment: Segment<T>): void {
    const stream = segment.stream;
    if (stream === undefined) return;
    segment.stream = undefined;
    segment.closed = new Promise<void>((resolve) => {
      stream.once('close', () => resolve());
      stream.once('error', () => resolve());
      stream.end();
    });
    this.track(segment.closed);
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }
}

function parseLine(line: string): { t: number; r: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { t, r } = value as { t?: unknown; r?: unknown };
  return typeof t === 'number' && Number.isFinite(t) ? { t, r } : undefined;
}

/**
 * The crash spool on disk: envelopes (already encrypted, so nothing readable ever touches the
 * disk) written synchronously while the process exits, and read back, claimed and deleted by the
 * next start. The folder is 0700 and must be ours; files are 0600; the folder never grows past
 * `maxBytes`. File names say whose data it is (slug, mode, a hash of the ingest origin), so a
 * client only ships what was meant for its own ingest; files of others are removed once stale.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { lstat, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import type { ExportKind } from '../ingest-contract';
import type { SealedBatch } from '../export/sealed-batch';

export const SPOOL_FILE_SUFFIX = '.tcspool';
/** The server refuses items older than 10 minutes; a file older than that is of no use to anyone. */
const USELESS_AFTER_MS = 10 * 60_000;
const KINDS: readonly ExportKind[] = ['metrics', 'traces', 'events'];

export interface SpoolFolderSettings {
  dir: string;
  slug: string;
  mode: string;
  origin: string;
  maxBytes: number;
}

export interface SpoolWriteResult {
  written: number;
  /** Items that did not fit under the folder's size bound (or could not be written). */
  lost: number;
}

export class SpoolFolder {
  private readonly prefix: string;

  constructor(readonly settings: SpoolFolderSettings) {
    const originHash = createHash('sha256').update(settings.origin).digest('hex').slice(0, 12);
    this.prefix = `${settings.slug}.${settings.mode}.${originHash}.`;
  }

  /** Synchronous: called from process 'exit'. Writes as many batches as the bound allows. */
  writeSync(kind: ExportKind, batches: readonly SealedBatch[]): SpoolWriteResult {
    const result: SpoolWriteResult = { written: 0, lost: 0 };
    if (batches.length === 0) return result;
    let used: number;
    try {
      this.ensureFolderSync();
      used = this.bytesUsedSync();
    } catch {
      result.lost = batches.reduce((sum, batch) => sum + batch.count, 0);
      return result;
    }
    const stamp = `${Date.now()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    batches.forEach((batch, index) => {
      const header = Buffer.from(`${JSON.stringify({ v: 1, count: batch.count, oldest: batch.oldest, newest: batch.newest })}\n`);
      const size = header.length + batch.envelope.length;
      if (used + size > this.settings.maxBytes) {
        result.lost += batch.count;
        return;
      }
      const name = `${this.prefix}${kind}.${stamp}-${String(index).padStart(4, '0')}${SPOOL_FILE_SUFFIX}`;
      const temporary = path.join(this.settings.dir, `${name}.tmp`);
      try {
        writeFileSync(temporary, Buffer.concat([header, batch.envelope]), { mode: 0o600, flag: 'wx' });
        renameSync(temporary, path.join(this.settings.dir, name));
        used += size;
        result.written += batch.count;
      } catch {
        result.lost += batch.count;
      }
    });
    return result;
  }

  /**
   * This client's spooled batches, per kind, oldest file first; each file is claimed (renamed, so
   * two processes starting together never both ship it) and deleted once read. Removes the stale
   * files of other clients on the way. Never rejects.
   */
  async takeAll(): Promise<Map<ExportKind, SealedBatch[]>> {
    const taken = new Map<ExportKind, SealedBatch[]>();
    let names: string[];
    try {
      if (!isOwnFolder(await lstat(this.settings.dir))) return taken;
      names = (await readdir(this.settings.dir)).sort();
    } catch {
      return taken;
    }
    for (const name of names) {
      const file = path.join(this.settings.dir, name);
      const kind = name.endsWith(SPOOL_FILE_SUFFIX) && name.startsWith(this.prefix) ? kindOf(name.slice(this.prefix.length)) : undefined;
      if (kind === undefined) {
        await removeIfUseless(file);
        continue;
      }
      const claimed = `${file}.claimed-${process.pid}`;
      try {
        await rename(file, claimed);
      } catch {
        continue; // another process claimed it first
      }
      const batch = await readClaimed(claimed);
      if (batch === undefined) continue;
      const list = taken.get(kind) ?? [];
      list.push(batch);
      taken.set(kind, list);
    }
    return taken;
  }

  private ensureFolderSync(): void {
    mkdirSync(this.settings.dir, { recursive: true, mode: 0o700 });
    const info = lstatSync(this.settings.dir);
    if (!isOwnFolder(info)) throw new Error('the spool folder is not a directory of this user');
    if ((info.mode & 0o077) !== 0) chmodSync(this.settings.dir, 0o700);
  }

  private bytesUsedSync(): number {
    let used = 0;
    for (const name of readdirSync(this.settings.dir)) {
      try {
        used += statSync(path.join(this.settings.dir, name)).size;
      } catch {
        // Removed meanwhile by another process.
      }
    }
    return used;
  }
}

/** A real directory (not a symlink) owned by this user: nobody else can plant or read envelopes. */
function isOwnFolder(info: Stats): boolean {
  const uid = process.getuid?.();
  return info.isDirectory() && (uid === undefined || info.uid === uid);
}

function kindOf(rest: string): ExportKind | undefined {
  return KINDS.find((kind) => rest.startsWith(`${kind}.`));
}

async function readClaimed(file: string): Promise<SealedBatch | undefined> {
  try {
    const content = await readFile(file);
    const newline = content.indexOf(0x0a);
    const header = JSON.parse(content.subarray(0, newline).toString('utf8')) as Partial<Record<'v' | 'count' | 'oldest' | 'newest', unknown>>;
    const { count, oldest, newest } = header;
    if (header.v !== 1 || typeof count !== 'number' || typeof oldest !== 'number' || typeof newest !== 'number' || newline < 0) return undefined;
    return { envelope: content.subarray(newline + 1), count, oldest, newest };
  } catch {
    return undefined;
  } finally {
    await unlink(file).catch(() => undefined);
  }
}

async function removeIfUseless(file: string): Promise<void> {
  try {
    if (Date.now() - (await stat(file)).mtimeMs > USELESS_AFTER_MS) await unlink(file);
  } catch {
    // Gone already, or not ours to remove.
  }
}

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTeracronClient } from '../../../lib/core/client';
import { SPOOL_FILE_SUFFIX, SpoolFolder, type SpoolFolderSettings } from '../../../lib/core/spool/spool-folder';
import type { SealedBatch } from '../../../lib/core/export/sealed-batch';
import { startTestIngest } from '../../support/start-ingest';
import { TEST_SLUG, testApiKey } from '../../support/test-keys';
import { until } from '../client/client-harness';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'teracron-spool-test-'));
}

function batch(bytes: number, count = 10, newest = Date.now()): SealedBatch {
  return { envelope: Buffer.alloc(bytes, 7), count, oldest: newest - 1000, newest };
}

function folder(dir: string, overrides: Partial<SpoolFolderSettings> = {}): SpoolFolder {
  return new SpoolFolder({ dir, slug: TEST_SLUG, mode: 'development', origin: 'http://127.0.0.1:4318', maxBytes: 10_000, ...overrides });
}

function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
}

describe('spool folder', () => {
  it('never grows past its bound: what does not fit is counted as lost, across several exits', () => {
    const root = tempDir();
    const dir = path.join(root, 'spool');
    try {
      const spool = folder(dir);
      assert.deepEqual(spool.writeSync('traces', [batch(3000), batch(3000), batch(3000), batch(3000), batch(3000)]), { written: 30, lost: 20 });
      assert.equal(readdirSync(dir).filter((name) => name.endsWith(SPOOL_FILE_SUFFIX)).length, 3);
      assert.ok(folderBytes(dir) <= 10_000, `${folderBytes(dir)} bytes`);
      // A second crash before anything was shipped: the bound counts what is already there.
      assert.deepEqual(folder(dir, { origin: 'http://127.0.0.1:9999' }).writeSync('events', [batch(1000, 4)]), { written: 0, lost: 4 });
      assert.ok(folderBytes(dir) <= 10_000);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('is made 0700 with 0600 files, and a folder of ours that is too open is closed', () => {
    const root = tempDir();
    const dir = path.join(root, 'open');
    try {
      mkdirSync(dir, { mode: 0o755 });
      chmodSync(dir, 0o755);
      folder(dir).writeSync('metrics', [batch(100)]);
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      for (const name of readdirSync(dir)) assert.equal(statSync(path.join(dir, name)).mode & 0o777, 0o600);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a folder that is a symlink: nothing is written there or read from it', async () => {
    const root = tempDir();
    const target = path.join(root, 'elsewhere');
    const link = path.join(root, 'spool');
    try {
      mkdirSync(target, { mode: 0o700 });
      symlinkSync(target, link);
      assert.deepEqual(folder(link).writeSync('traces', [batch(100, 3)]), { written: 0, lost: 3 });
      assert.deepEqual(readdirSync(target), []);
      folder(target).writeSync('traces', [batch(100, 3)]);
      assert.equal((await folder(link).takeAll()).size, 0);
      assert.equal(readdirSync(target).length, 1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("takes only its own files (slug, mode, origin), deletes them, skips corrupt ones, and removes others' once stale", async () => {
    const root = tempDir();
    const dir = path.join(root, 'spool');
    try {
      const mine = folder(dir);
      mine.writeSync('traces', [batch(200, 5)]);
      mine.writeSync('events', [batch(200, 2)]);
      const ownPrefix = readdirSync(dir)[0]!.split('.').slice(0, 3).join('.');
      folder(dir, { origin: 'http://127.0.0.1:5000' }).writeSync('traces', [batch(200, 9)]);
      folder(dir, { mode: 'production' }).writeSync('traces', [batch(200, 9)]);
      const longAgo = new Date(Date.now() - 11 * 60_000);
      writeFileSync(path.join(dir, `${ownPrefix}.traces.1-1-aa-0000${SPOOL_FILE_SUFFIX}`), 'not a spool file');
      const before = new Set(readdirSync(dir));
      const taken = await mine.takeAll();
      assert.deepEqual([...taken.keys()].sort(), ['events', 'traces']);
      assert.equal(taken.get('traces')![0]!.count, 5);
      assert.equal(taken.get('events')![0]!.count, 2);
      assert.equal(taken.get('traces')![0]!.envelope.length, 200);
      const after = readdirSync(dir);
      assert.equal(after.length, before.size - 3, 'its own two files and the corrupt one are gone, the others stay while fresh');
      assert.ok(after.every((name) => before.has(name) && !name.startsWith(ownPrefix)));
      for (const name of after) utimesSync(path.join(dir, name), longAgo, longAgo);
      await mine.takeAll();
      assert.deepEqual(readdirSync(dir), [], "others' files are removed once older than the server's window");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the next start drops a spooled batch that is older than the window, unsent, and counts it stale', async () => {
    const ingest = await startTestIngest();
    const root = tempDir();
    const dir = path.join(root, 'spool');
    const client = createTeracronClient({ apiKey: testApiKey(), domain: ingest.domain, spool: dir, logger: { debug() {}, warn() {}, error() {} } }, { env: {}, collectMetrics: false });
    try {
      folder(dir, { origin: `http://${ingest.domain}`, maxBytes: 1_000_000 }).writeSync('traces', [batch(600, 7, Date.now() - 10 * 60_000)]);
      client.start();
      await until(() => client.stats().spans.dropped.stale === 7);
      await client.flush();
      assert.equal(ingest.requests().length, 0);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      await client.stop(1000);
      await ingest.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

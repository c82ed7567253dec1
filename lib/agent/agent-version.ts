/**
 * The package's version for `--version`, read from package.json beside the compiled code
 * (dist/lib/agent → the package root), so it never drifts from what was published.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function agentVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@teracron/nestjs' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here; look one level up
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}

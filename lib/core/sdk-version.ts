/** The SDK's version, read once from our package.json, and the User-Agent of PROTOCOL.md §5. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

function readSdkVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === '@teracron/nestjs' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // An unreadable package.json only costs us the version string.
      }
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

export const SDK_VERSION = readSdkVersion();
export const USER_AGENT = `teracron-sdk-node/${SDK_VERSION} node/${process.versions.node}`;

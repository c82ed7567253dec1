/**
 * What the npm package may ship: the library's build (JavaScript and .d.ts under dist/lib, each
 * with its source in lib/, plus non-TypeScript assets copied from lib/ such as the dev UI's
 * files), package.json, README and a licence. Tests, bench, sample, source maps and stale output
 * of deleted sources are refused; every bin and entry point the manifest names must be shipped.
 */
import path from 'node:path';

export interface PackedFile {
  /** Path inside the package, '/'-separated (as `npm pack --json` lists it). */
  path: string;
}

export interface PackageManifest {
  main?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: unknown;
}

const TOP_LEVEL = /^(package\.json|README(\.md)?|LICEN[CS]E(\.md|\.txt)?)$/i;
const BUILD_DIR = 'dist/lib/';
const NEVER = [
  { test: /(^|\/)(test|tests|__tests__|bench|sample|fixtures)\//, why: 'tests, bench, sample and fixtures are never shipped' },
  { test: /\.(test|spec|e2e)\.[cm]?[jt]s$/, why: 'a test file' },
  { test: /\.map$/, why: 'a source map (of sources that are not shipped)' },
  { test: /\.tsbuildinfo$/, why: 'a compiler cache' },
];

/**
 * The problems of a file list, one line each; empty when the list is what we mean to ship.
 * `sourceExists(p)` says whether repo-relative path p exists (lib/… sources and assets).
 */
export function shippedFileProblems(files: readonly PackedFile[], manifest: PackageManifest, sourceExists: (repoPath: string) => boolean): string[] {
  const problems: string[] = [];
  const shipped = new Set(files.map((file) => normalise(file.path)));
  for (const file of shipped) {
    const why = refusal(file, sourceExists);
    if (why !== undefined) problems.push(`${file}: ${why}`);
  }
  for (const [name, target] of entryPoints(manifest)) {
    if (!shipped.has(normalise(target))) problems.push(`${name} → ${target} is not in the package`);
  }
  return problems;
}

function refusal(file: string, sourceExists: (repoPath: string) => boolean): string | undefined {
  for (const rule of NEVER) if (rule.test.test(file)) return rule.why;
  if (!file.includes('/')) return TOP_LEVEL.test(file) ? undefined : 'not part of the library';
  if (!file.startsWith(BUILD_DIR)) return 'outside the library build (dist/lib)';
  // The local Teracron's browser build (npm run build:ui) comes from ui/web into ui/public.
  const inLib = `lib/${file.slice(BUILD_DIR.length)}`.replace(/^lib\/agent\/dev\/ui\/public\//, 'lib/agent/dev/ui/web/');
  if (inLib.endsWith('.d.ts')) return sourceExists(`${inLib.slice(0, -'.d.ts'.length)}.ts`) ? undefined : `stale: no source ${inLib.slice(0, -5)}.ts`;
  if (inLib.endsWith('.js')) {
    const base = inLib.slice(0, -'.js'.length);
    return sourceExists(`${base}.ts`) || sourceExists(inLib) ? undefined : `stale: no source ${base}.ts`;
  }
  if (inLib.endsWith('.ts')) return 'TypeScript source (only .d.ts is shipped)';
  return sourceExists(inLib) ? undefined : `stale: an asset with no ${inLib}`;
}

/** bin entries, main, types, and every string target of `exports`. */
function entryPoints(manifest: PackageManifest): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  if (typeof manifest.bin === 'string') entries.push(['bin', manifest.bin]);
  else for (const [name, target] of Object.entries(manifest.bin ?? {})) entries.push([`bin ${name}`, target]);
  if (manifest.main !== undefined) entries.push(['main', manifest.main]);
  if (manifest.types !== undefined) entries.push(['types', manifest.types]);
  const walk = (value: unknown, where: string): void => {
    if (typeof value === 'string') {
      if (!value.includes('*')) entries.push([where, value]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, `${where} ${key}`);
    }
  };
  walk(manifest.exports, 'exports');
  return entries;
}

function normalise(file: string): string {
  return path.posix.normalize(file.replace(/\\/g, '/')).replace(/^\.\//, '');
}

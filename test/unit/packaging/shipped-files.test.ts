/** The rules of what the npm package may ship (test/support/shipped-files), on lists npm pack could print. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shippedFileProblems, type PackageManifest } from '../../support/shipped-files';

const MANIFEST: PackageManifest = {
  main: 'dist/lib/index.js',
  types: 'dist/lib/index.d.ts',
  bin: { 'teracron-agent': 'dist/lib/agent/cli.js' },
  exports: { '.': { types: './dist/lib/index.d.ts', default: './dist/lib/index.js' }, './package.json': './package.json' },
};
const SOURCES = new Set(['lib/index.ts', 'lib/agent/cli.ts', 'lib/agent/dev/ui/app.js', 'lib/agent/dev/ui/page.html', 'lib/agent/dev/ui/styles.css']);
const GOOD = [
  'package.json',
  'README.md',
  'dist/lib/index.js',
  'dist/lib/index.d.ts',
  'dist/lib/agent/cli.js',
  'dist/lib/agent/cli.d.ts',
  'dist/lib/agent/dev/ui/page.html',
  'dist/lib/agent/dev/ui/styles.css',
  'dist/lib/agent/dev/ui/app.js',
];

const problemsOf = (paths: string[], manifest: PackageManifest = MANIFEST) =>
  shippedFileProblems(
    paths.map((p) => ({ path: p })),
    manifest,
    (file) => SOURCES.has(file),
  );

describe('what the package may ship', () => {
  it('accepts the library build, its .d.ts, assets copied from lib/, package.json and the README', () => {
    assert.deepEqual(problemsOf(GOOD), []);
  });

  it('refuses a test file, even one built under dist/lib', () => {
    assert.deepEqual(problemsOf([...GOOD, 'dist/lib/core/client.test.js']), ['dist/lib/core/client.test.js: a test file']);
    assert.deepEqual(problemsOf([...GOOD, 'dist/test/unit/x.js']), ['dist/test/unit/x.js: tests, bench, sample and fixtures are never shipped']);
  });

  it('refuses bench, sample, sources and source maps', () => {
    const problems = problemsOf([...GOOD, 'dist/bench/run.js', 'dist/sample/main.js', 'lib/index.ts', 'dist/lib/index.js.map']);
    assert.equal(problems.length, 4, problems.join('\n'));
  });

  it('refuses stale output whose source was deleted', () => {
    assert.deepEqual(problemsOf([...GOOD, 'dist/lib/core/removed.js', 'dist/lib/core/removed.d.ts']), [
      'dist/lib/core/removed.js: stale: no source lib/core/removed.ts',
      'dist/lib/core/removed.d.ts: stale: no source lib/core/removed.ts',
    ]);
  });

  it('refuses a package whose bin is missing', () => {
    assert.deepEqual(problemsOf(GOOD.filter((p) => p !== 'dist/lib/agent/cli.js')), ['bin teracron-agent → dist/lib/agent/cli.js is not in the package']);
    assert.deepEqual(problemsOf(GOOD, { ...MANIFEST, bin: { 'teracron-agent': 'dist/lib/agent/gone.js' } }), [
      'bin teracron-agent → dist/lib/agent/gone.js is not in the package',
    ]);
  });

  it('refuses a package missing an entry point that exports names', () => {
    assert.deepEqual(problemsOf(GOOD, { ...MANIFEST, exports: { ...(MANIFEST.exports as object), './testing': './dist/lib/testing/index.js' } }), [
      'exports ./testing → ./dist/lib/testing/index.js is not in the package',
    ]);
  });
});

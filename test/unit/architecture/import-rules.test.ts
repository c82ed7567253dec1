/**
 * The layering rule of STYLE.md, checked on the sources: imports point down only
 * (nest → integrations, logging → tracing → core; agent → core, ingest), and nothing below the Nest layer imports @nestjs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../support/vectors';

const libDir = path.join(repoRoot(), 'lib');
const layers = ['core', 'tracing', 'ingest', 'nest', 'agent', 'integrations', 'logging'] as const;
type Layer = (typeof layers)[number];

/** Which of our layers each layer may import. */
const allowed: Record<Layer, Layer[]> = {
  core: ['core'],
  tracing: ['tracing', 'core'],
  ingest: ['ingest', 'core'],
  nest: ['nest', 'integrations', 'logging', 'tracing', 'core'],
  agent: ['agent', 'ingest', 'core', 'tracing'],
  integrations: ['integrations', 'tracing', 'core'],
  logging: ['logging', 'tracing', 'core'],
};
const frameworkFree: Layer[] = ['core', 'tracing', 'ingest', 'agent', 'logging'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of source.matchAll(pattern)) found.push(match[1] ?? match[2] ?? match[3]!);
  return found;
}

function layerOf(file: string): Layer | undefined {
  const top = path.relative(libDir, file).split(path.sep)[0];
  return (layers as readonly string[]).includes(top ?? '') ? (top as Layer) : undefined;
}

describe('import rules', () => {
  const files = sourceFiles(libDir);

  it('finds the library sources', () => {
    assert.ok(files.length > 10);
  });

  it('keeps core, tracing, ingest, agent and logging free of @nestjs imports', () => {
    const offenders = files
      .filter((f) => frameworkFree.includes(layerOf(f)!))
      .flatMap((f) => importsOf(readFileSync(f, 'utf8')).filter((s) => s.startsWith('@nestjs/')).map((s) => `${path.relative(libDir, f)} → ${s}`));
    assert.deepEqual(offenders, []);
  });

  it('lets imports point down only', () => {
    const offenders: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      if (!from) continue;
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        if (!specifier.startsWith('.')) continue;
        const to = layerOf(path.resolve(path.dirname(file), specifier));
        if (to && !allowed[from].includes(to)) offenders.push(`${path.relative(libDir, file)} → ${specifier}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});

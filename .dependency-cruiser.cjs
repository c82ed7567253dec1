/**
 * The layering rule of ARCHITECTURE.md, checked by `npm run lint:deps` (part of `npm test`).
 * Sources are parsed with swc (TypeScript 7 has no compiler API for dependency-cruiser), so
 * type-only imports and side-effect imports (`import '@nestjs/common'`) count like any other.
 */
const FRAMEWORK_FREE = '^lib/(core|tracing|http|bullmq|logging)/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle, type-only ones included, means two files are one idea or a type sits in the wrong file.',
      from: { path: '^lib/' },
      to: { circular: true },
    },
    {
      name: 'framework-free-no-nest',
      severity: 'error',
      comment: 'lib/core, lib/tracing, lib/http, lib/bullmq and lib/logging run without Nest: the agent and plain Node use them.',
      from: { path: FRAMEWORK_FREE },
      to: { path: '(^|/)node_modules/@nestjs/|^@nestjs/' },
    },
    {
      name: 'framework-free-no-upper-layers',
      severity: 'error',
      comment: 'Imports point down: nothing framework-free reaches the Nest layer, the agent or the ingest.',
      from: { path: FRAMEWORK_FREE },
      to: { path: '^lib/(nest|agent|ingest)/|^lib/(index|protocol)\\.ts$' },
    },
    {
      name: 'core-below-tracing',
      severity: 'error',
      comment: 'lib/core is the bottom layer: the client knows nothing of spans beyond the TraceSink it implements.',
      from: { path: '^lib/core/' },
      to: { path: '^lib/(tracing|http|bullmq|logging)/' },
    },
    {
      name: 'tracing-below-http-and-bullmq',
      severity: 'error',
      from: { path: '^lib/tracing/' },
      to: { path: '^lib/(http|bullmq|logging)/' },
    },
    {
      name: 'ingest-only-core',
      severity: 'error',
      comment: 'The ingest is the server side of the contract: it may use the core (crypto, encoding), nothing else of ours.',
      from: { path: '^lib/ingest/' },
      to: { path: '^lib/(tracing|http|bullmq|nest|agent)/' },
    },
    {
      name: 'agent-only-from-its-cli',
      severity: 'error',
      comment: 'Nothing imports lib/agent but its own files (the CLI is their entry point).',
      from: { path: '^lib/', pathNot: '^lib/agent/' },
      to: { path: '^lib/agent/' },
    },
    {
      name: 'agent-no-nest',
      severity: 'error',
      from: { path: '^lib/agent/' },
      to: { path: '^lib/nest/|(^|/)node_modules/@nestjs/|^@nestjs/' },
    },
    {
      name: 'barrels-are-entry-points',
      severity: 'error',
      comment: 'lib/index.ts and the subpath barrels are for users; our own files import the file that defines a thing.',
      from: { path: '^lib/' },
      to: { path: '^lib/(index|protocol)\\.ts$|^lib/testing/index\\.ts$' },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    moduleSystems: ['cjs', 'es6'],
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json', '.d.ts'] },
  },
};

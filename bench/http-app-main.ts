/**
 * Entry of a benchmark app process. With BENCH_NEST_DIR (the Nest 11 set, bench/nest11) every
 * `@nestjs/*` import, ours included, resolves from that folder, so the same app and the same
 * library run on the other Nest. OpenTelemetry must be set up before Nest and express load.
 */
import Module from 'node:module';

const nestDir = process.env.BENCH_NEST_DIR;
if (nestDir) {
  type Resolve = (request: string, parent: unknown, isMain: boolean, options?: { paths?: string[] }) => string;
  const loader = Module as unknown as { _resolveFilename: Resolve };
  const resolve = loader._resolveFilename;
  loader._resolveFilename = function resolveFromNestSet(this: unknown, request, parent, isMain, options) {
    if (request.startsWith('@nestjs/')) return resolve.call(this, request, parent, isMain, { paths: [nestDir] });
    return resolve.call(this, request, parent, isMain, options);
  };
}
if (process.env.BENCH_VARIANT === 'otel') require('./otel-setup');
require('./http-app');

/**
 * Runs the test process on Nest 11: imported first (before anything loads Nest), it makes every
 * `@nestjs/*`, `rxjs` and `reflect-metadata` require, ours and the test's included, resolve from
 * the Nest 11 fixture's own node_modules (test/fixtures/nest11-cjs, installed by `npm run
 * fixtures`), so the library and the test apps are the same code the Nest 12 suites run, on the
 * other Nest. rxjs and reflect-metadata go too: one copy of each, as a user's app has. Nest 12's
 * NATS client library (@nats-io/transport-node) is not found, as in a Nest 11 app, whose NATS
 * client is `nats` 2 (in the fixture). Anything else (ioredis, mqtt, amqplib, @grpc/grpc-js)
 * resolves as usual, up to the repository's.
 */
import { existsSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';

export const NEST11_DIR = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'nest11-cjs');

if (!existsSync(path.join(NEST11_DIR, 'node_modules', '@nestjs', 'microservices'))) {
  throw new Error('test support: Nest 11 is not installed for the fixture; run `npm run fixtures` (npm ci --prefix test/fixtures/nest11-cjs)');
}

type Resolve = (request: string, parent: unknown, isMain: boolean, options?: { paths?: string[] }) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolve = loader._resolveFilename;
const fromNest11 = (request: string): boolean =>
  request.startsWith('@nestjs/') || request === 'rxjs' || request.startsWith('rxjs/') || request === 'reflect-metadata';

const NOT_IN_A_NEST11_APP = new Set(['@nats-io/transport-node']);

loader._resolveFilename = function resolveFromNest11(this: unknown, request, parent, isMain, options) {
  if (NOT_IN_A_NEST11_APP.has(request)) throw Object.assign(new Error(`Cannot find module '${request}' (not installed in a Nest 11 app)`), { code: 'MODULE_NOT_FOUND' });
  if (fromNest11(request)) return resolve.call(this, request, parent, isMain, { paths: [NEST11_DIR] });
  return resolve.call(this, request, parent, isMain, options);
};

/** The version of @nestjs/microservices this process loads (its package.json, read past the exports map). */
export function loadedNestMicroservicesVersion(): string {
  const entry = require.resolve('@nestjs/microservices');
  return (require(path.join(path.dirname(entry), 'package.json')) as { version: string }).version;
}

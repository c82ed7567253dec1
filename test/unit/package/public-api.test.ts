/**
 * The package's promise: the runtime exports of `@teracron/nestjs` and `@teracron/nestjs/protocol`,
 * by name. Adding or removing one is a decision (and a README API reference entry), not an accident.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../support/vectors';

const ROOT_EXPORTS = [
  'Capture',
  'InjectTeracronScrubber',
  'TERACRON_MODULE_OPTIONS',
  'TRACE_HEADER',
  'TeracronBullMQTelemetry',
  'TeracronClient',
  'TeracronConfigError',
  'TeracronModule',
  'TeracronScrubber',
  'TeracronTracer',
  'Trace',
  'currentLogCorrelation',
  'currentSpan',
  'emitEvent',
  'enableOutboundPropagation',
  'getTraceHeader',
  'runInSpan',
  'runWithTraceHeader',
  'setTraceHeader',
  'span',
  'startSpan',
  'startTeracron',
  'stopTeracron',
  'teracronPinoMixin',
  'teracronWinstonFormat',
];

const PROTOCOL_EXPORTS = ['EnvelopeError', 'decodeApiKey', 'decodeMetricsBatch', 'decryptEnvelope', 'encodeApiKey', 'encodeMetricsBatch', 'encryptEnvelope', 'parseTraceHeader', 'shouldSample'];

function runtimeExports(module: object): string[] {
  return Object.keys(module).filter((name) => name !== '__esModule').sort();
}

describe('the public API', () => {
  it('exports from the root exactly what the README documents', () => {
    // Resolved by the package's own name and exports map, as a user's code resolves it.
    assert.deepEqual(runtimeExports(require('@teracron/nestjs') as object), ROOT_EXPORTS);
  });

  it('exports the testing module and its recorder under @teracron/nestjs/testing', () => {
    assert.deepEqual(runtimeExports(require('@teracron/nestjs/testing') as object), ['TeracronRecorder', 'TeracronTestingModule']);
  });

  it('exports the wire helpers under @teracron/nestjs/protocol', () => {
    assert.deepEqual(runtimeExports(require('@teracron/nestjs/protocol') as object), PROTOCOL_EXPORTS);
  });

  it('publishes the client with a one-argument constructor: internals come only through the internal factory', () => {
    const declaration = readFileSync(path.join(repoRoot(), 'dist', 'lib', 'core', 'client.d.ts'), 'utf8');
    assert.match(declaration, /^\s*constructor\(options\?: TeracronOptions\);$/m);
  });

  it('uses one Symbol, under one name, for the scrubber token and its inject helper', () => {
    const api = require('@teracron/nestjs') as typeof import('../../../lib/index');
    assert.equal(typeof api.TeracronScrubber, 'symbol');
    assert.equal(typeof api.InjectTeracronScrubber(), 'function');
  });
});

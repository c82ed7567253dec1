import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../../lib/core/config/resolve-config';
import { NUMBER_OPTIONS, BOOLEAN_OPTIONS } from '../../../lib/core/config/options';
import { TeracronConfigError } from '../../../lib/core/config/config-error';
import type { TeracronLogger } from '../../../lib/core/logger';
import { encodeApiKey } from '../../../lib/core/config/api-key';
import { readVector } from '../../support/vectors';

const publicPem = readVector<string>('test-public-key.pem');
const apiKey = encodeApiKey({ slug: 'vivid-kudu-655', publicKeyPem: publicPem, mode: 'development' });

function capturingLogger(): TeracronLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, error() {}, warn: (m) => warnings.push(m) };
}

describe('configuration (PROTOCOL.md §2)', () => {
  it('applies the documented defaults', () => {
    const config = resolveConfig({}, {});
    for (const [name, rule] of Object.entries(NUMBER_OPTIONS)) assert.equal(config[name as keyof typeof NUMBER_OPTIONS], rule.default, name);
    for (const [name, rule] of Object.entries(BOOLEAN_OPTIONS)) assert.equal(config[name as keyof typeof BOOLEAN_OPTIONS], rule.default, name);
    assert.equal(config.origin, 'https://www.teracron.com');
    assert.equal(config.credentials, null);
    assert.equal(config.targetPid, process.pid);
  });

  for (const [name, rule] of Object.entries(NUMBER_OPTIONS)) {
    const inRange = rule.integer ? rule.min + 1 : (rule.min + rule.max) / 2;
    it(`reads ${name} from code and from ${rule.env}, code first`, () => {
      assert.equal(resolveConfig({ [name]: inRange }, {})[name as keyof typeof NUMBER_OPTIONS], inRange);
      assert.equal(resolveConfig({}, { [rule.env]: String(inRange) })[name as keyof typeof NUMBER_OPTIONS], inRange);
      assert.equal(resolveConfig({ [name]: rule.min }, { [rule.env]: String(inRange) })[name as keyof typeof NUMBER_OPTIONS], rule.min);
    });

    it(`clamps ${name} out of range with one warning naming the option and range`, () => {
      const logger = capturingLogger();
      const config = resolveConfig({ [name]: rule.max + 1000, logger }, {});
      assert.equal(config[name as keyof typeof NUMBER_OPTIONS], rule.max);
      assert.equal(logger.warnings.length, 1);
      assert.match(logger.warnings[0]!, new RegExp(`${name}.*${rule.min}–${rule.max}`));
      const low = resolveConfig({ logger }, { [rule.env]: String(rule.min - 1000) });
      assert.equal(low[name as keyof typeof NUMBER_OPTIONS], rule.min);
    });

    it(`refuses a malformed ${name} naming the option and ${rule.env}`, () => {
      for (const [options, env] of [[{ [name]: 'lots' }, {}], [{}, { [rule.env]: 'lots' }], [{ [name]: Number.NaN }, {}]] as const) {
        assert.throws(() => resolveConfig(options, env), (error: unknown) => {
          assert.ok(error instanceof TeracronConfigError);
          assert.ok(error.message.includes(name) && error.message.includes(rule.env), error.message);
          return true;
        });
      }
    });
  }

  it('refuses a fractional integer option', () => {
    assert.throws(() => resolveConfig({}, { TERACRON_MAX_BUFFER: '10.5' }), /TERACRON_MAX_BUFFER.*integer/);
    assert.throws(() => resolveConfig({ traceBatchSize: 2.5 }, {}), /traceBatchSize/);
  });

  for (const [name, rule] of Object.entries(BOOLEAN_OPTIONS)) {
    it(`reads ${name} from code and from ${rule.env}, and refuses a non-boolean`, () => {
      assert.equal(resolveConfig({ [name]: !rule.default }, {})[name as keyof typeof BOOLEAN_OPTIONS], !rule.default);
      for (const word of ['1', 'TRUE', 'yes']) assert.equal(resolveConfig({}, { [rule.env]: word })[name as keyof typeof BOOLEAN_OPTIONS], true);
      for (const word of ['0', 'false', 'No']) assert.equal(resolveConfig({}, { [rule.env]: word })[name as keyof typeof BOOLEAN_OPTIONS], false);
      assert.throws(() => resolveConfig({}, { [rule.env]: 'maybe' }), new RegExp(`${rule.env}.*${name}`));
      assert.throws(() => resolveConfig({ [name]: 'maybe' }, {}), new RegExp(`${name}.*${rule.env}`));
    });
  }

  it('decodes the API key from code or TERACRON_API_KEY, and the legacy overrides', () => {
    const fromEnv = resolveConfig({}, { TERACRON_API_KEY: apiKey });
    assert.equal(fromEnv.credentials?.slug, 'vivid-kudu-655');
    assert.equal(fromEnv.credentials?.mode, 'development');
    assert.equal(fromEnv.credentials?.publicKey.asymmetricKeyDetails?.modulusLength, 4096);
    const fromCode = resolveConfig({ apiKey, projectSlug: 'other-slug-001' }, { TERACRON_API_KEY: 'tcn_junk' });
    assert.equal(fromCode.credentials?.slug, 'other-slug-001');
    const legacy = resolveConfig({}, { TERACRON_PROJECT_SLUG: 'brave-otter-042', TERACRON_PUBLIC_KEY: publicPem });
    assert.equal(legacy.credentials?.slug, 'brave-otter-042');
    assert.equal(legacy.credentials?.mode, 'production');
    assert.throws(() => resolveConfig({ projectSlug: 'brave-otter-042' }, {}), /publicKey/);
  });

  it('refuses a key whose public key is not RSA-4096', () => {
    const { generateKeyPairSync } = require('node:crypto') as typeof import('node:crypto');
    const small = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => resolveConfig({ apiKey: encodeApiKey({ slug: 'brave-otter-042', publicKeyPem: small }) }, {}), /RSA-4096/);
  });

  it('refuses a tracingScrubber that is not a function', () => {
    assert.throws(() => resolveConfig({ tracingScrubber: 'strip' as never }, {}), /tracingScrubber/);
  });

  it('reads targetPid from code and TERACRON_TARGET_PID, refusing non-integers', () => {
    assert.equal(resolveConfig({ targetPid: 1 }, {}).targetPid, 1);
    assert.equal(resolveConfig({}, { TERACRON_TARGET_PID: '42' }).targetPid, 42);
    assert.throws(() => resolveConfig({}, { TERACRON_TARGET_PID: 'gunicorn' }), /TERACRON_TARGET_PID/);
  });
});

describe('domain allowlist (PROTOCOL.md §2)', () => {
  const accepted: Array<[string, string]> = [
    ['www.teracron.com', 'https://www.teracron.com'],
    ['https://teracron.com/', 'https://teracron.com'],
    ['ingest.eu.teracron.com:8443', 'https://ingest.eu.teracron.com:8443'],
    ['127.0.0.1:4318', 'http://127.0.0.1:4318'],
    ['localhost', 'http://localhost'],
    ['[::1]:9000', 'http://[::1]:9000'],
    ['::1', 'http://[::1]'],
    ['  WWW.Teracron.COM  ', 'https://www.teracron.com'],
    ['', 'https://www.teracron.com'],
  ];
  for (const [domain, origin] of accepted) {
    it(`accepts "${domain}" as ${origin}`, () => {
      assert.equal(resolveConfig({ domain }, {}).origin, origin);
    });
  }

  const refused = ['evil.com', 'evil.com#.teracron.com', 'evil.com?.teracron.com', 'teracron.com.evil.com', 'user@evil.com', 'evil.com:99999', 'a b.teracron.com', 'http://evil.com\\.teracron.com'];
  for (const domain of refused) {
    it(`refuses "${domain}" naming the option and env var`, () => {
      assert.throws(() => resolveConfig({ domain }, {}), (error: unknown) => {
        assert.ok(error instanceof TeracronConfigError);
        assert.match(error.message, /TERACRON_DOMAIN/);
        return true;
      });
    });
  }

  it('allows a custom domain only with allowCustomDomain / TERACRON_ALLOW_CUSTOM_DOMAIN', () => {
    assert.equal(resolveConfig({ domain: 'ingest.example.org', allowCustomDomain: true }, {}).origin, 'https://ingest.example.org');
    assert.equal(resolveConfig({}, { TERACRON_DOMAIN: 'ingest.example.org', TERACRON_ALLOW_CUSTOM_DOMAIN: '1' }).origin, 'https://ingest.example.org');
    assert.throws(() => resolveConfig({ domain: 'evil.com#.teracron.com', allowCustomDomain: true }, {}), /TERACRON_DOMAIN/);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeApiKey, encodeApiKey } from '../../../lib/core/config/api-key';
import { TeracronConfigError } from '../../../lib/core/config/config-error';
import { readVector } from '../../support/vectors';

interface ValidKey { name: string; api_key: string; slug: string; mode: string; public_key_pem?: string }
interface InvalidKey { name: string; api_key: string; reason: string }
interface LenientKey { name: string; api_key: string; recommended: 'accept' | 'reject'; slug?: string; mode?: string }
interface ApiKeyVectors { valid: ValidKey[]; invalid: InvalidKey[]; reference_lenient: LenientKey[] }

const vectors = readVector<ApiKeyVectors>('api-keys.json');
const publicPem = readVector<string>('test-public-key.pem');

describe('API key vectors (PROTOCOL.md §1)', () => {
  for (const c of vectors.valid) {
    it(`decodes the valid key "${c.name}" to its slug, mode and PEM`, () => {
      const decoded = decodeApiKey(c.api_key);
      assert.equal(decoded.slug, c.slug);
      assert.equal(decoded.mode, c.mode);
      assert.equal(decoded.publicKeyPem.trim(), (c.public_key_pem ?? publicPem).trim());
    });
  }

  for (const c of vectors.invalid) {
    it(`refuses the invalid key "${c.name}" with a message naming the problem`, () => {
      assert.throws(() => decodeApiKey(c.api_key), (error: unknown) => {
        assert.ok(error instanceof TeracronConfigError);
        assert.match(error.message, /TERACRON_API_KEY/);
        assert.ok(!error.message.includes(c.api_key.slice(4, 40)) || c.api_key.length < 8, 'the message never echoes the key');
        return true;
      });
    });
  }

  for (const c of vectors.reference_lenient) {
    it(`${c.recommended}s the lenient case "${c.name}"`, () => {
      if (c.recommended === 'accept') {
        const decoded = decodeApiKey(c.api_key);
        assert.equal(decoded.slug, c.slug);
        assert.equal(decoded.mode, c.mode);
      } else {
        assert.throws(() => decodeApiKey(c.api_key), TeracronConfigError);
      }
    });
  }

  it('gives each kind of failure its own message', () => {
    const messageOf = (key: string) => {
      try {
        decodeApiKey(key);
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const byReason = new Map<string, string>();
    for (const c of vectors.invalid) byReason.set(c.reason, messageOf(c.api_key));
    const prefix = byReason.get('prefix is not tcn_')!;
    const base64 = byReason.get('not base64')!;
    const utf8 = byReason.get('payload is not UTF-8')!;
    const separator = byReason.get("no ':' separator")!;
    const slug = byReason.get('slug does not match')!;
    assert.equal(new Set([prefix, base64, utf8, separator, slug]).size, 5);
    assert.match(prefix, /tcn_/);
    assert.match(base64, /base64/);
    assert.match(utf8, /UTF-8/);
    assert.match(separator, /separator/);
    assert.match(slug, /slug/);
  });

  it('round-trips keys made by encodeApiKey in every mode', () => {
    for (const mode of ['development', 'production', 'legacy'] as const) {
      const key = encodeApiKey({ slug: 'brave-otter-042', publicKeyPem: publicPem, mode });
      const decoded = decodeApiKey(key);
      assert.equal(decoded.slug, 'brave-otter-042');
      assert.equal(decoded.mode, mode === 'development' ? 'development' : 'production');
      assert.equal(decoded.publicKeyPem, publicPem);
    }
  });

  it('encodes legacy keys exactly as the reference encoder does', () => {
    const legacy = vectors.valid.find((c) => c.name.startsWith('legacy'))!;
    const decoded = decodeApiKey(legacy.api_key);
    assert.equal(encodeApiKey({ slug: decoded.slug, publicKeyPem: decoded.publicKeyPem, mode: 'legacy' }), legacy.api_key);
  });
});

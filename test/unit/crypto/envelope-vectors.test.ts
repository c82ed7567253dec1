import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { decryptEnvelope, encryptEnvelope, ENVELOPE_OVERHEAD, EnvelopeError } from '../../../lib/core/crypto/envelope';
import { readVector } from '../../support/vectors';

interface EnvelopeCase { name: string; envelope_b64: string; plaintext_hex: string }
interface MustFail { name: string; envelope_b64: string }
interface EnvelopeVectors { cases: EnvelopeCase[]; must_fail: MustFail[] }

const vectors = readVector<EnvelopeVectors>('envelopes.json');
const publicPem = readVector<string>('test-public-key.pem');
const privateKey = createPrivateKey(readVector<string>('test-private-key.pem'));

describe('envelope (PROTOCOL.md §3)', () => {
  for (const c of vectors.cases) {
    it(`opens the reference envelope "${c.name}" to its plaintext`, () => {
      const plaintext = decryptEnvelope(Buffer.from(c.envelope_b64, 'base64'), privateKey);
      assert.equal(plaintext.toString('hex'), c.plaintext_hex);
    });
  }

  for (const c of vectors.must_fail) {
    it(`refuses the broken envelope "${c.name}"`, () => {
      assert.throws(() => decryptEnvelope(Buffer.from(c.envelope_b64, 'base64'), privateKey), EnvelopeError);
    });
  }

  it('makes envelopes that open to the same bytes, with the documented layout', () => {
    for (const c of vectors.cases) {
      const plaintext = Buffer.from(c.plaintext_hex, 'hex');
      const envelope = encryptEnvelope(plaintext, publicPem);
      assert.equal(envelope.length, ENVELOPE_OVERHEAD + plaintext.length);
      assert.deepEqual(decryptEnvelope(envelope, privateKey), plaintext);
    }
  });

  it('uses a fresh key and IV for every envelope', () => {
    const a = encryptEnvelope(Buffer.from('same'), publicPem);
    const b = encryptEnvelope(Buffer.from('same'), publicPem);
    assert.notDeepEqual(a.subarray(0, 512), b.subarray(0, 512));
    assert.notDeepEqual(a.subarray(512, 524), b.subarray(512, 524));
  });

  it('refuses a public key that is not RSA-4096', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    assert.throws(() => encryptEnvelope(Buffer.from('x'), publicKey), /RSA-4096/);
  });
});

/**
 * The envelope of PROTOCOL.md §3: [512 B RSA-OAEP(SHA-256) wrapped AES key][12 B IV][16 B tag][ciphertext].
 * A fresh AES-256 key and IV per envelope; the AES key is zeroed once used.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

const WRAPPED_KEY_BYTES = 512;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const ENVELOPE_OVERHEAD = WRAPPED_KEY_BYTES + IV_BYTES + TAG_BYTES;

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

export function encryptEnvelope(plaintext: Uint8Array, publicKey: KeyObject | string): Buffer {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const aesKey = randomBytes(32);
  try {
    const iv = randomBytes(IV_BYTES);
    const wrapped = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, aesKey);
    if (wrapped.length !== WRAPPED_KEY_BYTES) throw new EnvelopeError(`the public key must be RSA-4096 (wrapped key is ${wrapped.length} bytes)`);
    const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
    const head = cipher.update(plaintext);
    const tail = cipher.final();
    return Buffer.concat([wrapped, iv, cipher.getAuthTag(), head, tail]);
  } finally {
    aesKey.fill(0);
  }
}

export function decryptEnvelope(envelope: Uint8Array, privateKey: KeyObject | string): Buffer {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const buf = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  if (buf.length < ENVELOPE_OVERHEAD) throw new EnvelopeError('envelope too short');
  let aesKey: Buffer;
  try {
    aesKey = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, buf.subarray(0, WRAPPED_KEY_BYTES));
  } catch {
    throw new EnvelopeError('the wrapped key does not open with this private key');
  }
  try {
    if (aesKey.length !== 32) throw new EnvelopeError('the wrapped key is not an AES-256 key');
    const iv = buf.subarray(WRAPPED_KEY_BYTES, WRAPPED_KEY_BYTES + IV_BYTES);
    const tag = buf.subarray(WRAPPED_KEY_BYTES + IV_BYTES, ENVELOPE_OVERHEAD);
    const decipher = createDecipheriv('aes-256-gcm', aesKey, iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(buf.subarray(ENVELOPE_OVERHEAD)), decipher.final()]);
    } catch {
      throw new EnvelopeError('the ciphertext fails authentication');
    }
  } finally {
    aesKey.fill(0);
  }
}

/**
 * API key codec (PROTOCOL.md §1): `tcn_` + base64url(UTF-8 "[dev:|prod:]SLUG:PEM").
 * Stricter than the reference where its looseness is a bug (vectors: reference_lenient).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { ProjectMode } from '../types';
import { TeracronConfigError } from './config-error';

export interface DecodedApiKey {
  slug: string;
  publicKeyPem: string;
  mode: ProjectMode;
}

export const API_KEY_PREFIX = 'tcn_';
export const SLUG_PATTERN = /^[a-z]+-[a-z]+-[0-9]{3}$/;
const PEM_HEADER = '-----BEGIN PUBLIC KEY-----';
const BASE64_CHARS = /^[A-Za-z0-9+/_-]*={0,2}$/;
const FIX = 'Copy the full API key from the Teracron dashboard (or run `teracron-agent dev` for a local development key).';

function keyError(problem: string): TeracronConfigError {
  return new TeracronConfigError(`Invalid Teracron API key (option apiKey / env TERACRON_API_KEY): ${problem}. ${FIX}`);
}

export function decodeApiKey(key: string): DecodedApiKey {
  if (typeof key !== 'string' || key.trim() === '') throw keyError('the key is empty');
  const trimmed = key.trim();
  if (!trimmed.startsWith(API_KEY_PREFIX)) throw keyError(`it must start with "${API_KEY_PREFIX}"`);
  const body = trimmed.slice(API_KEY_PREFIX.length);
  if (body === '') throw keyError('nothing follows the "tcn_" prefix (missing separator)');
  const unpadded = body.replace(/=+$/, '');
  if (!BASE64_CHARS.test(body) || unpadded.length % 4 === 1) throw keyError('it is not valid base64url');
  const bytes = Buffer.from(unpadded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  let payload: string;
  try {
    payload = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw keyError('its payload is not UTF-8');
  }
  // A key holds a slug and a PEM: printable ASCII and line breaks only. A stray byte
  // (e.g. a character appended to the key) decodes to a control character here.
  if (/[^\x20-\x7e\r\n]/.test(payload)) throw keyError('its payload holds characters a key cannot contain (was it cut or extended by accident?)');
  const parts = payload.split(':');
  if (parts.length < 2) throw keyError('its payload has no ":" separator');
  let mode: ProjectMode = 'production';
  let slug: string;
  let pem: string;
  const first = parts[0]!.toLowerCase();
  if (parts.length >= 3 && (first === 'dev' || first === 'prod')) {
    mode = first === 'dev' ? 'development' : 'production';
    slug = parts[1]!;
    pem = parts.slice(2).join(':');
  } else {
    slug = parts[0]!;
    pem = parts.slice(1).join(':');
  }
  if (!SLUG_PATTERN.test(slug)) throw keyError('its project slug is malformed (expected word-word-123)');
  if (!pem.includes(PEM_HEADER)) throw keyError('it holds no public key (no "-----BEGIN PUBLIC KEY-----")');
  return { slug, publicKeyPem: pem, mode };
}

export function encodeApiKey(parts: { slug: string; publicKeyPem: string; mode?: ProjectMode | 'legacy' }): string {
  if (!SLUG_PATTERN.test(parts.slug)) throw new TeracronConfigError(`encodeApiKey: slug must match word-word-123`);
  const prefix = parts.mode === 'development' ? 'dev:' : parts.mode === 'production' ? 'prod:' : '';
  return API_KEY_PREFIX + Buffer.from(`${prefix}${parts.slug}:${parts.publicKeyPem}`, 'utf8').toString('base64url');
}

/** Parses the PEM once and requires RSA-4096 (the envelope needs a 512-byte wrapped key). */
export function parseRsa4096PublicKey(pem: string, origin: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new TeracronConfigError(`The public key in ${origin} cannot be parsed as a PEM public key. ${FIX}`);
  }
  if (key.asymmetricKeyType !== 'rsa' || key.asymmetricKeyDetails?.modulusLength !== 4096) {
    throw new TeracronConfigError(`The public key in ${origin} must be RSA-4096. ${FIX}`);
  }
  return key;
}

/** What may be logged of a key: the prefix and the slug, never the rest. */
export function describeApiKey(slug: string): string {
  return `tcn_… (project ${slug})`;
}

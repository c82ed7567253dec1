import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateDevProject, PRIVATE_KEY_FILE, PROJECT_FILE, PUBLIC_KEY_FILE, type DevProject } from '../../../lib/agent/dev/dev-keys';
import { decodeApiKey, parseRsa4096PublicKey } from '../../../lib/core/config/api-key';
import { decryptEnvelope, encryptEnvelope } from '../../../lib/core/crypto/envelope';

describe('local Teracron dev keys', () => {
  let root: string;
  let dataDir: string;
  let first: DevProject;

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'teracron-keys-'));
    dataDir = path.join(root, 'nested', 'dev');
    first = await loadOrCreateDevProject(dataDir);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('makes an RSA-4096 pair on the first run, with 0600 files in a 0700 directory', () => {
    assert.equal(first.created, true);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    for (const file of [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, PROJECT_FILE]) {
      assert.equal(statSync(path.join(dataDir, file)).mode & 0o777, 0o600, file);
    }
    assert.equal(first.privateKey.asymmetricKeyDetails?.modulusLength, 4096);
  });

  it('prints a development key with a word-word-NNN slug whose public key matches the private key', () => {
    const decoded = decodeApiKey(first.apiKey);
    assert.equal(decoded.mode, 'development');
    assert.match(decoded.slug, /^[a-z]+-[a-z]+-[0-9]{3}$/);
    assert.equal(decoded.slug, first.slug);
    const publicKey = parseRsa4096PublicKey(decoded.publicKeyPem, 'test');
    const opened = decryptEnvelope(encryptEnvelope(Buffer.from('hello'), publicKey), first.privateKey);
    assert.equal(opened.toString(), 'hello');
  });

  it('reuses the same project and key on later runs', async () => {
    const again = await loadOrCreateDevProject(dataDir);
    assert.equal(again.created, false);
    assert.equal(again.slug, first.slug);
    assert.equal(again.apiKey, first.apiKey);
  });
});

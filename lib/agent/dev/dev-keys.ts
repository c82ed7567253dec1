/**
 * The local Teracron's own project: an RSA-4096 key pair and a slug, made on the first run
 * and reused afterwards, so a development API key stays valid across restarts.
 * Files are mode 0600 in a 0700 directory: the private key opens every envelope sent to it.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { encodeApiKey, SLUG_PATTERN } from '../../core/config/api-key';
import { TeracronConfigError } from '../../core/config/config-error';
import { randomDevSlug } from './dev-slug';

const generateKeyPairAsync = promisify(generateKeyPair);

export const PRIVATE_KEY_FILE = 'private-key.pem';
export const PUBLIC_KEY_FILE = 'public-key.pem';
export const PROJECT_FILE = 'project.json';

export interface DevProject {
  slug: string;
  publicKeyPem: string;
  privateKey: KeyObject;
  /** `tcn_…` development key for this project; holds no secret, but is never logged. */
  apiKey: string;
  /** true when this call made the key pair (the first run). */
  created: boolean;
}

export function defaultDevDataDir(): string {
  return path.join(os.homedir(), '.teracron', 'dev');
}

/** Loads the dev project from dataDir, or makes it there (RSA-4096 generation takes a few seconds). */
export async function loadOrCreateDevProject(dataDir: string): Promise<DevProject> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const existing = await loadDevProject(dataDir);
  if (existing) return existing;

  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 4096, publicExponent: 0x10001 });
  const slug = randomDevSlug();
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  // The project file goes last: its presence is what marks the pair as complete.
  await writePrivateFile(path.join(dataDir, PRIVATE_KEY_FILE), privatePem);
  await writePrivateFile(path.join(dataDir, PUBLIC_KEY_FILE), publicKeyPem);
  await writePrivateFile(path.join(dataDir, PROJECT_FILE), JSON.stringify({ slug, mode: 'development', createdAt: new Date().toISOString() }, null, 2) + '\n');
  return { slug, publicKeyPem, privateKey, apiKey: encodeApiKey({ slug, publicKeyPem, mode: 'development' }), created: true };
}

async function loadDevProject(dataDir: string): Promise<DevProject | undefined> {
  const projectPath = path.join(dataDir, PROJECT_FILE);
  let projectText: string;
  try {
    projectText = await readFile(projectPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TeracronConfigError(`Cannot read the local Teracron project file ${projectPath}: ${(error as Error).message}`);
  }
  let slug: unknown;
  try {
    slug = (JSON.parse(projectText) as { slug?: unknown }).slug;
  } catch {
    slug = undefined;
  }
  if (typeof slug !== 'string' || !SLUG_PATTERN.test(slug)) {
    throw new TeracronConfigError(`The local Teracron project file ${projectPath} is damaged (no valid slug). Delete ${dataDir} to make a new development key.`);
  }
  const keyPath = path.join(dataDir, PRIVATE_KEY_FILE);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(await readFile(keyPath, 'utf8'));
  } catch {
    throw new TeracronConfigError(`The local Teracron private key ${keyPath} is missing or cannot be parsed. Delete ${dataDir} to make a new development key.`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa' || privateKey.asymmetricKeyDetails?.modulusLength !== 4096) {
    throw new TeracronConfigError(`The local Teracron private key ${keyPath} is not RSA-4096. Delete ${dataDir} to make a new development key.`);
  }
  // Derived from the private key, so the printed key always matches what the server decrypts with.
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { slug, publicKeyPem, privateKey, apiKey: encodeApiKey({ slug, publicKeyPem, mode: 'development' }), created: false };
}

/** Written under a temporary name and renamed, so a crash never leaves half a key behind. */
async function writePrivateFile(file: string, content: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  await rename(temporary, file);
}

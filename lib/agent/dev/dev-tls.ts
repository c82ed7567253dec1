/**
 * The certificate of the local Teracron's optional HTTPS listener, for SDKs that speak HTTPS only
 * (the Python SDK v0.6.1). Self-signed for 127.0.0.1, ::1 and localhost, made with the `openssl`
 * command on the first run that asks for HTTPS and reused afterwards; clients trust it by its
 * file (REQUESTS_CA_BUNDLE=… for Python). Node's crypto can sign but not build a certificate.
 */
import { execFile } from 'node:child_process';
import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { TeracronConfigError } from '../../core/config/config-error';

const execFileAsync = promisify(execFile);

export const TLS_CERT_FILE = 'tls-cert.pem';
export const TLS_KEY_FILE = 'tls-key.pem';

export interface DevCertificate {
  certPath: string;
  cert: string;
  key: string;
  created: boolean;
}

export async function loadOrCreateDevCertificate(dataDir: string): Promise<DevCertificate> {
  const certPath = path.join(dataDir, TLS_CERT_FILE);
  const keyPath = path.join(dataDir, TLS_KEY_FILE);
  const existing = await readPair(certPath, keyPath);
  if (existing) return { certPath, ...existing, created: false };
  const suffix = `.${process.pid}.tmp`;
  try {
    await execFileAsync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '825',
      '-subj', '/CN=Teracron local development',
      '-addext', 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign',
      '-addext', 'extendedKeyUsage=serverAuth',
      '-keyout', keyPath + suffix, '-out', certPath + suffix,
    ], { timeout: 30_000 });
  } catch (error) {
    await Promise.all([rm(keyPath + suffix, { force: true }), rm(certPath + suffix, { force: true })]);
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new TeracronConfigError(
      `--https-port needs a certificate and ${missing ? 'the openssl command is not installed' : `openssl could not make one (${(error as Error).message.split('\n')[0]})`}. ` +
        `Install openssl, or put a PEM certificate and key in ${certPath} and ${keyPath}, or leave out --https-port.`,
    );
  }
  // The key goes in place first: the certificate's presence marks the pair complete.
  await rename(keyPath + suffix, keyPath);
  await rename(certPath + suffix, certPath);
  const made = await readPair(certPath, keyPath);
  if (!made) throw new TeracronConfigError(`openssl made no readable certificate at ${certPath}; delete it and ${keyPath} and start again.`);
  return { certPath, ...made, created: true };
}

async function readPair(certPath: string, keyPath: string): Promise<{ cert: string; key: string } | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return { cert, key };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

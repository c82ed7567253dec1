/**
 * Ingest domain rules (PROTOCOL.md §2): strict host[:port] parsing before the allowlist,
 * so tricks like `evil.com#.teracron.com` are refused; loopback hosts use plain http.
 */
import { TeracronConfigError } from './config-error';

export const DEFAULT_DOMAIN = 'www.teracron.com';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const HOST_PORT = /^([A-Za-z0-9.-]+|\[::1\])(?::([0-9]{1,5}))?$/;

export interface IngestOrigin {
  /** e.g. `https://www.teracron.com` or `http://127.0.0.1:4318` */
  origin: string;
  host: string;
  loopback: boolean;
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host);
}

function isTeracronHost(host: string): boolean {
  return host === 'teracron.com' || host === 'www.teracron.com' || host.endsWith('.teracron.com');
}

export function resolveIngestOrigin(domain: string | undefined, allowCustomDomain: boolean): IngestOrigin {
  let value = (domain ?? '').trim();
  if (value.startsWith('http://')) value = value.slice('http://'.length);
  else if (value.startsWith('https://')) value = value.slice('https://'.length);
  const slash = value.indexOf('/');
  if (slash >= 0) value = value.slice(0, slash);
  if (value === '') value = DEFAULT_DOMAIN;
  if (value === '::1') value = '[::1]';

  const match = HOST_PORT.exec(value);
  const port = match?.[2] === undefined ? undefined : Number(match[2]);
  if (!match || (port !== undefined && (port < 1 || port > 65535))) {
    throw new TeracronConfigError(
      `Invalid Teracron domain (option domain / env TERACRON_DOMAIN): expected host or host:port, e.g. "www.teracron.com" or "127.0.0.1:4318".`,
    );
  }
  const host = match[1]!.toLowerCase();
  const loopback = isLoopbackHost(host);
  if (!loopback && !isTeracronHost(host) && !allowCustomDomain) {
    throw new TeracronConfigError(
      `Teracron domain "${host}" is not allowed (option domain / env TERACRON_DOMAIN). Use teracron.com or a subdomain of it, a loopback host, ` +
        `or set allowCustomDomain: true (env TERACRON_ALLOW_CUSTOM_DOMAIN=1) for a self-hosted ingest.`,
    );
  }
  const hostPort = port === undefined ? host : `${host}:${port}`;
  return { origin: `${loopback ? 'http' : 'https'}://${hostPort}`, host, loopback };
}

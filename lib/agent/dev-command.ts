/**
 * `teracron-agent dev`: starts the local Teracron, prints where it is and the development key
 * with the env lines to use, and runs until SIGINT/SIGTERM.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defaultDevDataDir, PROJECT_FILE } from './dev/dev-keys';
import { startDevServer } from './dev/dev-server';
import type { TeracronLogger } from '../core/logger';

export interface DevCommandOptions {
  port?: number;
  dataDir?: string;
  httpsPort?: number;
  write?: (line: string) => void;
  logger?: TeracronLogger;
}

export async function runDevCommand(options: DevCommandOptions): Promise<number> {
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const dataDir = path.resolve(options.dataDir ?? defaultDevDataDir());
  if (!existsSync(path.join(dataDir, PROJECT_FILE))) write('First run: making an RSA-4096 key pair for the local Teracron (a few seconds)…');
  const server = await startDevServer({ port: options.port, dataDir, httpsPort: options.httpsPort, logger: options.logger });
  const counts = server.store.counts();
  write('');
  write(`Local Teracron is running for project ${server.slug} (development).`);
  write(`  UI:    ${server.url}`);
  write(`  Data:  ${server.dataDir}${counts.spans + counts.metrics + counts.events > 0 ? ` (${counts.traces} traces, ${counts.metrics} metrics samples kept)` : ''}`);
  write('');
  write('Point an SDK at it with:');
  write(`  TERACRON_API_KEY=${server.apiKey}`);
  write(`  TERACRON_DOMAIN=${server.domain}`);
  write('');
  if (server.https) {
    write('The Python SDK 0.6.1 (HTTPS only, older key format) with:');
    write(`  TERACRON_API_KEY=${server.legacyApiKey}`);
    write(`  TERACRON_DOMAIN=${server.https.domain}`);
    write('  TERACRON_ALLOW_CUSTOM_DOMAIN=1');
    write(`  REQUESTS_CA_BUNDLE=${server.https.certificatePath}`);
  } else {
    write('The Python SDK 0.6.1 speaks HTTPS only: start with --https-port 7416 for the lines it needs.');
  }
  write('');
  write('Spans in the terminal: teracron-agent tail' + (server.port === 7415 ? '' : ` --url http://${server.domain}`) + '. Ctrl-C to stop.');

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await server.close();
  write(`received ${signal}; local Teracron stopped (data kept in ${server.dataDir})`);
  return 0;
}

/**
 * `npm run bench`: the side-by-side benchmarks of bench/README in one run, written to
 * bench/results.md with the machine they ran on and each target marked met or not.
 * `-- --quick` shortens the HTTP runs (for trying the harness, not for figures).
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeApiKey } from '../lib/core/config/api-key';
import { IngestServer } from '../lib/ingest/ingest-server';
import { refusingLoopback } from '../test/support/closed-loopback';
import { runExportBench } from './export-bench';
import { runHttpBench } from './http-bench';
import { runMemoryBench } from './memory-bench';
import { runOverloadBench } from './overload-bench';
import { renderReport } from './report';
import { runSpanBench } from './span-bench';

const quick = process.argv.includes('--quick');
const SLUG = 'bench-mark-123';
const HTTP_ROUNDS = 5;

async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  log('generating an RSA-4096 key pair for this run…');
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
  const keys = {
    slug: SLUG,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  const apiKey = encodeApiKey({ slug: SLUG, publicKeyPem: keys.publicKeyPem, mode: 'development' });

  const http = await runHttpBench(quick ? { rounds: 3, warmupSeconds: 1, durationSeconds: 2, connections: 10 } : { rounds: HTTP_ROUNDS, warmupSeconds: 3, durationSeconds: 8, connections: 10 }, keys, log);

  log('per-span benchmark…');
  const ingest = await IngestServer.start({ projects: [{ slug: SLUG, privateKey: keys.privateKeyPem }], rateLimits: false, maxRecords: 0 });
  const unreachable = await refusingLoopback();
  const spans = await runSpanBench(ingest.domain, unreachable.domain, apiKey);
  await unreachable.close();
  await ingest.close();

  log('export benchmark…');
  const exportCosts = await runExportBench(keys.publicKeyPem);

  log('memory benchmark (1 000 000 spans, ingest down)…');
  const memory = await runMemoryBench(apiKey);

  const overload = await runOverloadBench(keys, quick, log);
  const report = renderReport({ http, httpRounds: quick ? 3 : HTTP_ROUNDS, quick, spans, exportCosts, memory }) + overload;
  writeFileSync(path.join(__dirname, '..', '..', 'bench', 'results.md'), report);
  console.log('\n' + report);
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.stack ?? error.message}`);
  process.exit(1);
});

/**
 * `npm run bench`: the side-by-side benchmarks in one run, on Node 24 (the runner re-runs itself
 * there; `-- --node 20` for another major), the HTTP ones on Nest 12 and on Nest 11 (bench/nest11),
 * written to bench/results.md with the machine they ran on and each target marked met or not.
 * `-- --quick` shortens the HTTP runs (for trying the harness, not for figures); `-- --pin` pins
 * the app and the load generator to separate cores. `-- --only overload` (or `http`, `memory`) runs only that case
 * and prints it, leaving bench/results.md as it is.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeApiKey } from '../lib/core/config/api-key';
import { IngestServer } from '../lib/ingest/ingest-server';
import { refusingLoopback } from '../test/support/closed-loopback';
import { runExportBench } from './export-bench';
import { NEST11_DIR, runHttpBench } from './http-bench';
import { DEFAULT_NODE_MAJOR, nodeBinary } from './node-binary';
import { runMemoryBench } from './memory-bench';
import { runOverloadBench } from './overload-bench';
import { renderHttpOnly, renderReport } from './report';
import { runSpanBench } from './span-bench';

const quick = process.argv.includes('--quick');
const pin = process.argv.includes('--pin');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? process.argv[onlyArg + 1] : undefined;
const nodeArg = process.argv.indexOf('--node');
const NODE_MAJOR = nodeArg >= 0 ? Number(process.argv[nodeArg + 1]) : DEFAULT_NODE_MAJOR;
const SLUG = 'bench-mark-123';
const HTTP_ROUNDS = 8;

/** On another Node than the one asked for: the whole run (runner, apps, per-span benches) goes there. */
function runOnRequestedNode(): boolean {
  if (Number(process.versions.node.split('.')[0]) === NODE_MAJOR) return false;
  if (!Number.isInteger(NODE_MAJOR) || NODE_MAJOR < 20) throw new Error(`--node takes a Node major (20, 22, 24), not ${process.argv[nodeArg + 1]}`);
  const result = spawnSync(nodeBinary(NODE_MAJOR), [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

async function main(): Promise<void> {
  if (runOnRequestedNode()) return;
  const log = (line: string) => console.log(line);
  if ((only === undefined || only === 'http') && !existsSync(path.join(NEST11_DIR, 'node_modules', '@nestjs', 'core'))) {
    log('installing the Nest 11 app set (bench/nest11)…');
    execFileSync('npm', ['ci', '--prefix', NEST11_DIR, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  }
  log('generating an RSA-4096 key pair for this run…');
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
  const keys = {
    slug: SLUG,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  const apiKey = encodeApiKey({ slug: SLUG, publicKeyPem: keys.publicKeyPem, mode: 'development' });
  const httpSettings = quick ? { rounds: 2, warmupSeconds: 1, sliceSeconds: 1, connections: 10, pin } : { rounds: HTTP_ROUNDS, warmupSeconds: 3, sliceSeconds: 2, connections: 10, pin };
  if (only !== undefined) {
    if (only === 'overload') console.log(await runOverloadBench(keys, quick, log));
    else if (only === 'http') console.log(renderHttpOnly(await runHttpBench(httpSettings, keys, log)));
    else if (only === 'memory') console.log(JSON.stringify(await runMemoryBench(apiKey)));
    else throw new Error(`--only takes "overload", "http" or "memory", not ${only}`);
    return;
  }

  const http = await runHttpBench(httpSettings, keys, log);

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

  const report = renderReport({ http, httpRounds: httpSettings.rounds, httpSliceSeconds: httpSettings.sliceSeconds, quick, spans, exportCosts, memory }) + overload;
  writeFileSync(path.join(__dirname, '..', '..', 'bench', 'results.md'), report);
  console.log('\n' + report);
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.stack ?? error.message}`);
  process.exit(1);
});

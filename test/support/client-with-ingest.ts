/** Runs a test with a started TeracronClient sending to a fresh loopback ingest; both are closed after. */
import { createTeracronClient, TeracronClient } from '../../lib/core/client';
import type { TeracronOptions } from '../../lib/core/config/options';
import type { IngestServer } from '../../lib/ingest/ingest-server';
import { startTestIngest } from './start-ingest';
import { testApiKey } from './test-keys';

export async function withClient(options: TeracronOptions, run: (ingest: IngestServer, client: TeracronClient) => Promise<void>): Promise<void> {
  const ingest = await startTestIngest();
  const client = createTeracronClient({ apiKey: testApiKey(), domain: ingest.domain, logger: { debug() {}, warn() {}, error() {} }, ...options }, { env: {}, collectMetrics: false });
  client.start();
  try {
    await run(ingest, client);
  } finally {
    await client.stop(2000);
    await ingest.close();
  }
}

/** A real ingest on 127.0.0.1 that decrypts with the test key; rate limits off unless asked. */
import { IngestServer, type IngestServerOptions } from '../../lib/ingest/ingest-server';
import { TEST_PRIVATE_KEY_PEM, TEST_SLUG } from './test-keys';

export function startTestIngest(overrides: Partial<IngestServerOptions> = {}): Promise<IngestServer> {
  return IngestServer.start({
    projects: [{ slug: TEST_SLUG, privateKey: TEST_PRIVATE_KEY_PEM }],
    rateLimits: false,
    ...overrides,
  });
}

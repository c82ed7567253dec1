/** The test-only key pair of the protocol vectors, and API keys made from it. */
import { encodeApiKey } from '../../lib/core/config/api-key';
import type { ProjectMode } from '../../lib/core/types';
import { readVector } from './vectors';

export const TEST_SLUG = 'vivid-kudu-655';
export const TEST_PUBLIC_KEY_PEM: string = readVector<string>('test-public-key.pem');
export const TEST_PRIVATE_KEY_PEM: string = readVector<string>('test-private-key.pem');

export function testApiKey(mode: ProjectMode | 'legacy' = 'development', slug = TEST_SLUG): string {
  return encodeApiKey({ slug, publicKeyPem: TEST_PUBLIC_KEY_PEM, mode });
}

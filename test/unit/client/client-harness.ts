/** Builds clients that talk to a real loopback ingest, with fast retry timings. */
import { randomBytes } from 'node:crypto';
import { createTeracronClient, TeracronClient, type TeracronClientInternals } from '../../../lib/core/client';
import type { TeracronOptions } from '../../../lib/core/config/options';
import type { TeracronLogger } from '../../../lib/core/logger';
import type { SpanRecord } from '../../../lib/core/types';
import { testApiKey } from '../../support/test-keys';

export const FAST_RETRIES: TeracronClientInternals = { backoff: { baseMs: 20, maxMs: 100 }, pacing: false };

export function clientFor(domain: string, options: TeracronOptions = {}, internals: TeracronClientInternals = FAST_RETRIES): TeracronClient {
  return createTeracronClient({ apiKey: testApiKey(), domain, logger: quietLogger(), ...options }, { env: {}, collectMetrics: false, ...internals });
}

/** Polls a condition of the client (its stats settle just after the ingest answers). */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function quietLogger(lines: string[] = []): TeracronLogger {
  return {
    debug: (m) => lines.push(`debug ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

export function span(overrides: Partial<SpanRecord> = {}): SpanRecord {
  return {
    trace_id: randomBytes(16).toString('hex'),
    span_id: randomBytes(16).toString('hex'),
    parent_span_id: null,
    workflow: 'payment',
    operation: 'PaymentService.charge',
    status: 'succeeded',
    started_at: Date.now(),
    duration_ms: 2.25,
    error_type: null,
    error_message: null,
    metadata: null,
    captured_params: null,
    ...overrides,
  };
}

export function largeMetadata(seed: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: 32 }, (_, k) => [`key_${k}`, String.fromCharCode(97 + ((seed + k) % 26)).repeat(1000)]));
}

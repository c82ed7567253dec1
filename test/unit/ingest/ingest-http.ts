/** A raw HTTP client for the ingest tests: full control over headers, chunking and methods. */
import http from 'node:http';
import { encryptEnvelope } from '../../../lib/core/crypto/envelope';
import { TEST_PUBLIC_KEY_PEM, TEST_SLUG } from '../../support/test-keys';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: Record<string, unknown>;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Send the body in chunks without a Content-Length. */
  chunked?: boolean;
}

export function ingestHeaders(overrides: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/octet-stream', 'x-project-slug': TEST_SLUG, 'x-project-mode': 'development', ...overrides };
}

export function rawRequest(port: number, request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(request.headers ?? {}) };
    if (request.body && !request.chunked) headers['content-length'] = String(request.body.length);
    const req = http.request({ host: '127.0.0.1', port, method: request.method ?? 'POST', path: request.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> = {};
        try {
          json = text ? JSON.parse(text) : {};
        } catch {
          json = { raw: text };
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
      });
    });
    req.on('error', reject);
    if (request.body && request.chunked) {
      for (let offset = 0; offset < request.body.length; offset += 16_384) req.write(request.body.subarray(offset, offset + 16_384));
      req.end();
    } else {
      req.end(request.body);
    }
  });
}

export function sealed(payload: unknown): Buffer {
  const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
  return encryptEnvelope(bytes, TEST_PUBLIC_KEY_PEM);
}

export function makeSpan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    trace_id: 'a'.repeat(32),
    span_id: 'b'.repeat(32),
    parent_span_id: null,
    workflow: 'payment',
    operation: 'PaymentService.charge',
    status: 'succeeded',
    started_at: Date.now(),
    duration_ms: 1.5,
    error_type: null,
    error_message: null,
    metadata: { amount: 12 },
    captured_params: null,
    ...overrides,
  };
}

export function makeEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'workflow_started',
    workflow: 'payment',
    trace_id: 'a'.repeat(32),
    span_id: 'b'.repeat(32),
    operation: 'PaymentService.charge',
    severity: 'info',
    timestamp: Date.now(),
    ...overrides,
  };
}

export function traceBody(spans: unknown[], slug = TEST_SLUG): Buffer {
  return sealed({ type: 'trace', project_slug: slug, spans });
}

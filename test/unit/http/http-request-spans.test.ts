/**
 * The request span without any framework: a plain node:http server, attached to HttpRequestSpans.
 * (The e2e suites cover Express and Fastify; this is the framework-free contract, and the guard
 * that a tracing fault never costs the request.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TraceSink } from '../../../lib/core/trace-sink';
import { HttpRequestSpans, requestFailed } from '../../../lib/http/http-request-spans';
import { RecordingSink } from '../../support/recording-sink';

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Answers 200, or 503 under /busy; names /orders/N by its template, as a router would. */
function startServer(spans: HttpRequestSpans): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    if (request.url?.startsWith('/orders/')) spans.routeMatched(request, '/orders/:id');
    if (request.url === '/busy') {
      requestFailed(request, new RangeError('queue full'));
      response.statusCode = 503;
    }
    response.end('ok');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('HttpRequestSpans on a plain node:http server', () => {
  const sink = new RecordingSink();
  const spans = new HttpRequestSpans({ workflow: 'http', exclude: ['/health'] });
  let server: http.Server;
  let url: string;

  before(async () => {
    server = await startServer(spans);
    spans.attach(server, sink);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    spans.detach();
    server.close();
  });

  /** GET `path`, then wait for its span (the response's 'close' comes after the client may have read it). */
  async function get(path: string, spanExpected = true): Promise<Response> {
    const ended = sink.spans.length;
    const response = await fetch(`${url}${path}`);
    await response.arrayBuffer();
    if (spanExpected) await until(() => sink.spans.length > ended);
    return response;
  }

  it('names a request by the route it was told, with the status sent and the header naming the span', async () => {
    const response = await get('/orders/42?x=1');
    const span = sink.spans.at(-1)!;
    assert.equal(span.operation, 'GET /orders/:id');
    assert.deepEqual(span.metadata, { 'http.method': 'GET', 'http.route': '/orders/:id', 'http.status_code': 200 });
    assert.equal(response.headers.get('x-teracron-trace'), `${span.trace_id}:${span.span_id}`);
  });

  it('names a request no route matched "(unmatched)", never by its raw path', async () => {
    await get('/secret-token-123');
    assert.equal(sink.spans.at(-1)!.operation, 'GET (unmatched)');
  });

  it('fails a 5xx with the error the handler reported', async () => {
    await get('/busy');
    const span = sink.spans.at(-1)!;
    assert.equal(span.status, 'failed');
    assert.equal(span.error_type, 'RangeError');
  });

  it('leaves an excluded path untraced: no span, no header', async () => {
    const before = sink.spans.length;
    const response = await get('/health', false);
    // A traced request after it: its span ends after the excluded one would have.
    await get('/orders/1');
    assert.equal(sink.spans.length, before + 1);
    assert.equal(response.headers.get('x-teracron-trace'), null);
  });

  it('serves a request untraced when its client fails', async () => {
    const broken = new HttpRequestSpans({ workflow: 'http', exclude: [] });
    const faulty = {
      get running(): boolean {
        throw new Error('broken client');
      },
    } as unknown as TraceSink;
    const other = await startServer(broken);
    broken.attach(other, faulty);
    try {
      const response = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/orders/1`);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), 'ok');
      assert.equal(response.headers.get('x-teracron-trace'), null);
    } finally {
      broken.detach();
      other.close();
    }
  });

  it('opens nothing for a server it is not attached to, nor once detached', async () => {
    const idle = new HttpRequestSpans({ workflow: 'http', exclude: [] });
    const other = await startServer(idle);
    try {
      const response = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/orders/1`);
      assert.equal(response.headers.get('x-teracron-trace'), null);
    } finally {
      other.close();
    }
  });
});

/**
 * The live-stream hub's bounds over real HTTP connections, with mocked timers for the heartbeat
 * and the age limit: the oldest stream makes room for a new one, quiet streams get heartbeats,
 * and streams past their age are closed.
 */
import { describe, it, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SseHub } from '../../../lib/agent/dev/sse-hub';

interface Stream {
  received: () => string;
  closed: Promise<unknown>;
  destroy: () => void;
}

async function startHub(hub: SseHub): Promise<{ port: number; opened: () => number; close: () => Promise<void> }> {
  let opened = 0;
  const server = http.createServer((req, res) => {
    hub.open(req, res);
    opened++;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    opened: () => opened,
    close: () => {
      hub.closeAll();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function openStream(port: number): Promise<Stream> {
  const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false });
  const [res] = (await once(req, 'response')) as [http.IncomingMessage];
  let text = '';
  res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const closed = new Promise((resolve) => res.on('close', resolve));
  await new Promise<void>((resolve) => {
    const check = () => (text.includes('retry:') ? resolve() : res.once('data', check));
    check();
  });
  return { received: () => text, closed, destroy: () => req.destroy() };
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(predicate(), 'condition not reached');
}

describe('SseHub bounds', () => {
  afterEach(() => mock.timers.reset());

  it('closes the oldest stream to make room for a new one', async () => {
    const hub = new SseHub({ maxStreams: 3 });
    const server = await startHub(hub);
    try {
      const streams: Stream[] = [];
      for (let i = 0; i < 5; i++) streams.push(await openStream(server.port));
      await Promise.all([streams[0]!.closed, streams[1]!.closed]);
      assert.equal(hub.size, 3);
      assert.equal(hub.evicted, 2);
      hub.broadcast('spans', [1]);
      await until(() => streams.slice(2).every((s) => s.received().includes('event: spans')));
    } finally {
      await server.close();
    }
  });

  it('sends heartbeats to quiet streams and closes streams past their age', async () => {
    mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_000_000 });
    const hub = new SseHub({ heartbeatMs: 15_000, maxAgeMs: 60_000 });
    const server = await startHub(hub);
    try {
      const old = await openStream(server.port);
      mock.timers.tick(30_000);
      const young = await openStream(server.port);
      mock.timers.tick(15_000);
      await until(() => old.received().includes(': ping') && young.received().includes(': ping'));
      mock.timers.tick(15_000);
      await old.closed;
      assert.equal(hub.expired, 1);
      assert.equal(hub.size, 1);
      mock.timers.tick(30_000);
      await young.closed;
      assert.equal(hub.size, 0);
    } finally {
      await server.close();
    }
  });
});

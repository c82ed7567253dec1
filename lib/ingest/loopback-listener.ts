/**
 * The ingest's listening sockets (plain HTTP, and HTTPS when asked) on a loopback host: timeouts
 * for slow or silent clients, and a last-resort answer for a handler that fails, so no request can
 * crash the process or leave a rejection unhandled.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export async function listenOnLoopback(server: Server, port: number, host: string, handle: RequestHandler): Promise<number> {
  // Slow or silent clients cannot hold sockets for ever (live streams are answered by then).
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => answerFailure(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops listening and ends every connection, hanging and streaming ones included. */
export async function closeServers(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
}

/** The last resort of a handler that threw: an answer if none was started, else a cut connection. */
function answerFailure(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify({ error: 'internal error' });
  res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

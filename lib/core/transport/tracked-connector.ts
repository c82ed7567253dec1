/**
 * undici's connector, with every socket it opens kept until it closes, so a shutdown can destroy
 * them all. undici gives up neither a connect nor a DNS lookup nor a TLS handshake when a request
 * is aborted, and `pool.destroy()` leaves such a socket running: only destroying the socket itself
 * ends it (its connect callback then fails the request).
 */
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

export class ConnectionsClosedError extends Error {
  override readonly name = 'ConnectionsClosedError';
  constructor() {
    super('the transport was closed');
  }
}

export class TrackedConnector {
  private readonly sockets = new Set<Socket>();
  private readonly base: buildConnector.connector;
  private closed = false;

  constructor(options: buildConnector.BuildOptions) {
    this.base = buildConnector(options);
  }

  /** The function undici's Pool calls for each new connection. */
  readonly connect: buildConnector.connector = (options, callback) => {
    if (this.closed) {
      callback(new ConnectionsClosedError(), null);
      return;
    }
    // undici's connector returns the socket it creates (its type says void).
    const socket = (this.base as unknown as (o: buildConnector.Options, cb: buildConnector.Callback) => Socket)(options, callback);
    if (socket === undefined || socket === null) return;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  };

  get openSockets(): number {
    return this.sockets.size;
  }

  /** Destroys every socket, connected or still connecting; later connects fail at once. */
  destroyAll(): void {
    this.closed = true;
    for (const socket of this.sockets) socket.destroy(new ConnectionsClosedError());
    this.sockets.clear();
  }
}

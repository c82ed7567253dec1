/**
 * A loopback port we hold for the whole test, where no ingest answers: every connection is reset
 * as it arrives, so a client sending there fails fast, queues to its bound and drops. Holding the
 * port (rather than picking one and closing it) means nothing else can take it meanwhile. `forwardTo`
 * turns it into a plain TCP relay to a real ingest: the same address going down, then coming back.
 */
import net from 'node:net';

export interface RefusingLoopback {
  /** What a client puts in TERACRON_DOMAIN. */
  domain: string;
  /** From now on, connections are relayed to 127.0.0.1:`port` instead of reset. */
  forwardTo(port: number): void;
  close(): Promise<void>;
}

export async function refusingLoopback(): Promise<RefusingLoopback> {
  let target: number | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (target === undefined) {
      socket.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    domain: `127.0.0.1:${port}`,
    forwardTo: (upstreamPort) => (target = upstreamPort),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface RefusedLoopback {
  /** `[::1]:PORT`: connections are refused (nothing listens on the IPv6 loopback at that port). */
  domain: string;
  close(): Promise<void>;
}

/**
 * A loopback address that refuses connections, without closing a port and hoping nobody takes it:
 * we hold 127.0.0.1:PORT for the whole test, so nothing can bind the IPv4 wildcard there, and hand
 * out the IPv6 loopback at the same port, where nothing listens.
 */
export async function refusedLoopback(): Promise<RefusedLoopback> {
  const holder = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as net.AddressInfo;
  return { domain: `[::1]:${port}`, close: () => new Promise<void>((resolve) => holder.close(() => resolve())) };
}

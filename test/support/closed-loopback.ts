/** A loopback address where nothing listens: a client sending there fails fast, queues to its bound and drops. */
import net from 'node:net';

export async function closedLoopbackDomain(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

/**
 * Ingest addresses that never finish what they start, all on 127.0.0.1: a listening socket whose
 * process is stopped and whose accept backlog is full (connects hang), a TCP server that never
 * speaks TLS (handshakes hang), servers that trickle headers or a body at 1 byte per second, and
 * a DNS lookup that never answers (Node's `dns.lookup`, which `net` calls, replaced for a test).
 */
import { spawn } from 'node:child_process';
import dns from 'node:dns';
import net from 'node:net';

export interface HangingEndpoint {
  /** What a client puts in `domain`. */
  domain: string;
  /** Sockets the server side still holds open (connects that never complete are not seen). */
  openSockets(): number;
  close(): Promise<void>;
}

/** A listener in a stopped child process with its backlog filled: a new connect stays in SYN_SENT. */
export async function unacceptingListener(): Promise<HangingEndpoint> {
  const script = "const s=require('net').createServer().listen({port:0,host:'127.0.0.1',backlog:1},()=>{process.stdout.write(s.address().port+'\\n');process.kill(process.pid,'SIGSTOP')})";
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
    child.once('exit', () => reject(new Error('the listener child exited before listening')));
  });
  // The kernel completes handshakes into the backlog while nobody accepts; fill it until one hangs.
  const fillers: net.Socket[] = [];
  let hung = false;
  for (let i = 0; i < 32 && !hung; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    fillers.push(socket);
    hung = !(await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    }));
  }
  if (!hung) throw new Error('could not fill the accept backlog of the stopped listener');
  return {
    domain: `127.0.0.1:${port}`,
    openSockets: () => 0,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A TCP server that reads and never answers: a TLS client waits for a ServerHello forever. */
export function tlsStallServer(): Promise<HangingEndpoint> {
  return tcpServer(() => undefined, 'tls-stall.teracron.com');
}

/**
 * An HTTP "ingest" that answers 202 at 1 byte per second: the status line and headers (`headers`),
 * or the headers at once and then the body (`body`).
 */
export function tricklingServer(part: 'headers' | 'body'): Promise<HangingEndpoint> {
  const body = '{"status":"accepted","accepted":1,"dropped":0}';
  const head = `HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
  return tcpServer((socket) => {
    let started = false;
    socket.on('data', () => {
      if (started) return;
      started = true;
      let pending = part === 'headers' ? head + body : body;
      if (part === 'body') socket.write(head);
      const timer = setInterval(() => {
        if (pending.length === 0) return clearInterval(timer);
        socket.write(pending[0]!);
        pending = pending.slice(1);
      }, 1000);
      socket.once('close', () => clearInterval(timer));
    });
  });
}

async function tcpServer(onSocket: (socket: net.Socket) => void, host = '127.0.0.1'): Promise<HangingEndpoint> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    socket.resume();
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    domain: `${host}:${port}`,
    openSockets: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

type LookupCallback = (error: Error | null, address?: string | dns.LookupAddress[], family?: number) => void;

/**
 * Replaces `dns.lookup` until the returned function is called: hosts under teracron.com resolve
 * to 127.0.0.1 (`loopback`) or never answer (`never`); other hosts resolve as usual.
 */
export function replaceLookup(answer: 'loopback' | 'never'): { calls(): number; restore(): void } {
  const original = dns.lookup;
  let calls = 0;
  const replacement = (hostname: string, options: unknown, callback?: LookupCallback): void => {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    if (!hostname.endsWith('.teracron.com')) return void (original as (...args: unknown[]) => void)(hostname, options, callback);
    calls++;
    if (answer === 'never') return;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    if (all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
    else cb(null, '127.0.0.1', 4);
  };
  (dns as { lookup: unknown }).lookup = replacement;
  return {
    calls: () => calls,
    restore: () => {
      (dns as { lookup: unknown }).lookup = original;
    },
  };
}

/**
 * One HTTP/1.1 request written byte for byte on its own TCP connection: any method, target and
 * headers, including ones node:http and fetch refuse to send. Resolves with the status of the
 * answer's first line (0 when the server closed without answering); bounded by a timeout.
 */
import net from 'node:net';

export interface RawExchange {
  method: string;
  target: string;
  headers: Array<[string, string]>;
  body?: Buffer;
}

export function sendRaw(port: number, exchange: RawExchange, timeoutMs = 5_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let settled = false;
    const finish = (status: number | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (status instanceof Error) reject(status);
      else resolve(status);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms to ${exchange.method} ${JSON.stringify(exchange.target)}`)), timeoutMs);
    socket.on('connect', () => {
      const head = [`${exchange.method} ${exchange.target} HTTP/1.1`, ...exchange.headers.map(([name, value]) => `${name}: ${value}`), 'connection: close', '', ''].join('\r\n');
      socket.write(Buffer.concat([Buffer.from(head, 'latin1'), exchange.body ?? Buffer.alloc(0)]));
    });
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\r\n');
      if (end < 0) return;
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received.slice(0, end));
      finish(match ? Number(match[1]) : new Error(`not an HTTP answer: ${JSON.stringify(received.slice(0, 80))}`));
    });
    // A reset after the server answered and closed is not a failure; before any answer it is "no answer".
    socket.on('error', () => finish(0));
    socket.on('close', () => finish(0));
  });
}

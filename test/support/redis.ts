/**
 * A real, throwaway Redis for the queue tests: the Debian package `redis-server` on a free
 * loopback port, without persistence, stopped by `stop()` (and killed if the test process exits first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RunningRedis {
  port: number;
  /** `redis://127.0.0.1:PORT` */
  url: string;
  /** Stops the server and waits for it to exit; safe to call twice. */
  stop(): Promise<void>;
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 10_000;

export async function startRedis(): Promise<RunningRedis> {
  const binary = findRedisServer();
  let lastError: unknown;
  // Another process may take the free port between our probe and Redis binding it: try a fresh one.
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    try {
      return await launch(binary, await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function findRedisServer(): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/bin', '/usr/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'redis-server');
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new RedisUnavailableError(
    'redis-server was not found on PATH or in /usr/bin. The queue tests need a real Redis: install Debian package redis-server (sudo apt-get install redis-server); .ci/run installs it in CI.',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function launch(binary: string, port: number): Promise<RunningRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'teracron-redis-'));
  const child = spawn(binary, ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--port', String(port), '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilListening(child, port);
    await ping(port);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url: `redis://127.0.0.1:${port}`, stop };
}

/** Resolves on Redis's "Ready to accept connections" line; rejects if it exits or stays silent too long. */
function waitUntilListening(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => finish(new RedisUnavailableError(`redis-server on port ${port} was not ready after ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4_000);
      if (output.includes('Ready to accept connections')) finish();
    };
    const onExit = (code: number | null) => finish(new RedisUnavailableError(`redis-server exited (code ${code}) before it was ready on port ${port}:\n${output}`));
    function finish(error?: Error) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining the pipes so a chatty server never blocks on a full buffer.
      child.stdout?.resume();
      child.stderr?.resume();
      if (error) reject(error);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function ping(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(READY_TIMEOUT_MS, () => socket.destroy(new RedisUnavailableError(`redis-server on port ${port} did not answer PING`)));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) {
        socket.end();
        if (reply.startsWith('+PONG')) resolve();
        else reject(new RedisUnavailableError(`redis-server on port ${port} answered PING with ${JSON.stringify(reply.trim())}`));
      }
    });
    socket.once('error', reject);
  });
}

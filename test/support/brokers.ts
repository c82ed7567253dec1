/**
 * Real, throwaway message brokers from their Debian packages, for the microservice transport
 * tests: `nats-server`, `mosquitto`, `rabbitmq-server` and, for Kafka, `kcat`'s mock cluster,
 * each on a free loopback port with its files in a temporary folder, ready once it logs that it
 * is, stopped by `stop()` (and killed if the test process exits first). Redis has its own helper
 * (redis.ts).
 */
import { spawn } from 'node:child_process';
import { accessSync, chmodSync, constants as fsConstants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RunningBroker {
  port: number;
  /** e.g. `nats://127.0.0.1:PORT`, `mqtt://127.0.0.1:PORT`, `amqp://guest:guest@127.0.0.1:PORT` */
  url: string;
  /** Stops the broker and waits for it to exit; safe to call twice. */
  stop(): Promise<void>;
}

export class BrokerUnavailableError extends Error {
  override name = 'BrokerUnavailableError';
}

interface BrokerSpec {
  binary: string;
  /** Where to run it from when that exists, before looking on PATH. */
  binaryPath?: string;
  /** The Debian package that provides it (the one list is .ci/prerequisites). */
  debianPackage: string;
  url(port: number): string;
  args(port: number, dir: string): string[];
  env?(port: number, dir: string): Record<string, string>;
  /** A line the broker logs once it accepts clients. */
  ready: RegExp;
  /** For a broker that picks its own port: `ready`'s first group is the port (the one passed to args is then 0). */
  portFromReady?: boolean;
  readyTimeoutMs: number;
}

const NATS: BrokerSpec = {
  binary: 'nats-server',
  debianPackage: 'nats-server',
  url: (port) => `nats://127.0.0.1:${port}`,
  args: (port) => ['-a', '127.0.0.1', '-p', String(port)],
  ready: /Server is ready/,
  readyTimeoutMs: 10_000,
};

const MOSQUITTO: BrokerSpec = {
  binary: 'mosquitto',
  debianPackage: 'mosquitto',
  url: (port) => `mqtt://127.0.0.1:${port}`,
  args: (port, dir) => {
    const config = path.join(dir, 'mosquitto.conf');
    writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type information\nlog_type notice\nlog_type error\n`);
    return ['-c', config];
  },
  ready: /mosquitto version \S+ running/,
  readyTimeoutMs: 10_000,
};

/** RabbitMQ is an Erlang node: its own name, cookie (HOME), data and distribution port, so parallel runs never meet. */
const RABBITMQ: BrokerSpec = {
  binary: 'rabbitmq-server',
  // The Debian wrapper in /usr/sbin hands a root caller to `su rabbitmq`, whose new session no
  // signal of ours reaches; the package's own script runs the node in our process group.
  binaryPath: '/usr/lib/rabbitmq/bin/rabbitmq-server',
  debianPackage: 'rabbitmq-server',
  url: (port) => `amqp://guest:guest@127.0.0.1:${port}`,
  args: () => [],
  env: (port, dir) => ({
    HOME: dir,
    RABBITMQ_NODENAME: `teracron${port}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(port + 20_000 > 65_000 ? port - 20_000 : port + 20_000),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_LOGS: '-',
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, 'advanced.config'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  }),
  ready: /Server startup complete|started TCP listener on 127\.0\.0\.1/,
  readyTimeoutMs: 60_000,
};

/**
 * Kafka: Debian has no Kafka broker; kcat's librdkafka has a mock cluster (its own test broker, a
 * stateful Kafka-protocol server: topics created on first use, produce, fetch, record headers,
 * consumer groups, offsets), started in kcat's process by `test.mock.num.brokers` on a loopback
 * port of its choosing, which it logs. kcat itself just consumes a topic nobody writes to, so the
 * cluster lives until the process is stopped.
 */
const KAFKA_MOCK: BrokerSpec = {
  binary: 'kcat',
  debianPackage: 'kcat',
  url: (port) => `127.0.0.1:${port}`,
  args: () => ['-X', 'test.mock.num.brokers=1', '-d', 'mock', '-b', '127.0.0.1:1', '-C', '-t', 'teracron-keepalive', '-o', 'end'],
  ready: /Mock cluster \S+ bootstrap\.servers=127\.0\.0\.1:(\d+)/,
  portFromReady: true,
  readyTimeoutMs: 10_000,
};

export const startNats = (): Promise<RunningBroker> => startBroker(NATS);
export const startKafkaMock = (): Promise<RunningBroker> => startBroker(KAFKA_MOCK);
export const startMosquitto = (): Promise<RunningBroker> => startBroker(MOSQUITTO);
export const startRabbitMq = (): Promise<RunningBroker> => startBroker(RABBITMQ);

const START_ATTEMPTS = 3;

async function startBroker(spec: BrokerSpec): Promise<RunningBroker> {
  const binary = findBinary(spec);
  let lastError: unknown;
  // Another process may take the free port between our probe and the broker binding it: try a fresh one.
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    try {
      return await launch(spec, binary, spec.portFromReady === true ? 0 : await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function findBinary(spec: BrokerSpec): string {
  if (spec.binaryPath !== undefined) {
    try {
      accessSync(spec.binaryPath, fsConstants.X_OK);
      return spec.binaryPath;
    } catch {
      // not there: the one on PATH
    }
  }
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/bin', '/usr/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, spec.binary);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new BrokerUnavailableError(
    `${spec.binary} was not found on PATH, /usr/bin or /usr/sbin. The microservice transport tests need it: install Debian package ${spec.debianPackage} (sudo apt-get install ${spec.debianPackage}); .ci/prerequisites installs it.`,
  );
}

const GROUP_EXIT_TIMEOUT_MS = 10_000;

/** Resolves once no process of group `pgid` is left (checked every 20 ms, for at most 10 s). */
async function groupGone(pgid: number): Promise<void> {
  const deadline = Date.now() + GROUP_EXIT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new BrokerUnavailableError(`broker process group ${pgid} still runs ${GROUP_EXIT_TIMEOUT_MS} ms after SIGKILL`);
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

async function launch(spec: BrokerSpec, binary: string, requestedPort: number): Promise<RunningBroker> {
  let port = requestedPort;
  const dir = mkdtempSync(path.join(os.tmpdir(), `teracron-${spec.binary}-`));
  // Started as root, rabbitmq-server drops to its own user, which must be able to write here.
  chmodSync(dir, 0o777);
  const child = spawn(binary, spec.args(port, dir), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...spec.env?.(port, dir) }, detached: true });
  // RabbitMQ's script starts the Erlang VM as a child: signal the whole process group.
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  const killOnExit = () => kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  // The process we spawned may exit long before the broker (rabbitmq-server's wrapper does):
  // stopping means the whole group is gone. A throwaway broker needs no graceful shutdown.
  const stop = () =>
    (stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      kill('SIGKILL');
      await groupGone(child.pid!);
      rmSync(dir, { recursive: true, force: true });
    })());
  try {
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => finish(new BrokerUnavailableError(`${spec.binary} on port ${port} was not ready after ${spec.readyTimeoutMs} ms:\n${output}`)), spec.readyTimeoutMs);
      const onData = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-8_000);
        const ready = spec.ready.exec(output);
        if (ready === null) return;
        if (spec.portFromReady === true) port = Number(ready[1]);
        finish();
      };
      const onExit = (code: number | null) => finish(new BrokerUnavailableError(`${spec.binary} exited (code ${code}) before it was ready on port ${port}:\n${output}`));
      function finish(error?: Error) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        child.off('exit', onExit);
        // Keep draining the pipes so a chatty broker never blocks on a full buffer.
        child.stdout!.resume();
        child.stderr!.resume();
        if (error) reject(error);
        else resolve();
      }
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', onExit);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url: spec.url(port), stop };
}

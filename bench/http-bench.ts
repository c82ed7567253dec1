/**
 * The HTTP comparison: on each Nest set, every variant's app runs side by side in its own process
 * while the load alternates between them in short slices (every variant in each round, order
 * rotated), from a separate load-generator process (autocannon, 10 connections). On a shared VM
 * the machine's speed drifts by more than the differences measured; slices of a few seconds,
 * bare Nest's among them in every round, put each variant next to its baseline in time, so the
 * ratio per round cancels most of the drift. Reports requests/s, the ratio to bare Nest per round,
 * and app CPU time per request. An idle app holds no timer of the bench. No CPU pinning unless
 * asked (`--pin`): production apps are not pinned away from their load.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { IngestServer } from '../lib/ingest/ingest-server';
import { encodeApiKey } from '../lib/core/config/api-key';
import type { LoadRequest, LoadResult } from './load-generator';
import { HTTP_VARIANTS, NEST_SETS, type AppMessage, type HttpVariant, type NestSet } from './variants';

export interface HttpBenchSettings {
  rounds: number;
  /** Load on each app before the first round (its JIT warm). */
  warmupSeconds: number;
  /** One variant's share of a round, per route. */
  sliceSeconds: number;
  connections: number;
  /** App on one core, load on the other (taskset), as the bench did before; off by default. */
  pin: boolean;
}

export interface HttpSample {
  round: number;
  nest: NestSet;
  /** Nest's version the app reported. */
  nestVersion: string;
  variant: HttpVariant;
  route: '/ping' | '/work';
  requestsPerSecond: number;
  cpuMicrosPerRequest: number;
  /** Event-loop delay p99 of the app during the run, sampled every 1 ms. */
  delayP99Ms: number;
  /** The longest event-loop delay seen during the run. */
  delayMaxMs: number;
  errors: number;
  /** (d) only: spans its client sent, and counted as dropped, during the run. */
  spansSent?: number;
  spansDropped?: number;
}

export interface BenchKeys {
  slug: string;
  publicKeyPem: string;
  privateKeyPem: string;
}

export async function runHttpBench(settings: HttpBenchSettings, keys: BenchKeys, log: (line: string) => void): Promise<HttpSample[]> {
  const ingest = await IngestServer.start({ projects: [{ slug: keys.slug, privateKey: keys.privateKeyPem }], rateLimits: false, maxRecords: 0 });
  const otlpSink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => otlpSink.listen(0, '127.0.0.1', resolve));
  const env = {
    TERACRON_API_KEY: encodeApiKey({ slug: keys.slug, publicKeyPem: keys.publicKeyPem, mode: 'development' }),
    TERACRON_DOMAIN: ingest.domain,
    OTLP_URL: `http://127.0.0.1:${(otlpSink.address() as AddressInfo).port}/v1/traces`,
  };
  const samples: HttpSample[] = [];
  PIN = settings.pin && CAN_PIN;
  // The runner holds the ingest (which decrypts what (d) sends) and the OTLP sink: their work
  // belongs to the load side, not to the core of the app being measured.
  pinSelf(LOAD_CPU);
  try {
    const load = new LoadGenerator();
    try {
      for (const nest of NEST_SETS) samples.push(...(await measureNestSet(nest, settings, env, load, log)));
    } finally {
      await load.stop();
    }
  } finally {
    pinSelf(ALL_CPUS);
    await ingest.close();
    otlpSink.close();
  }
  return samples;
}

/**
 * On Linux with two or more cores, the app runs on the last core and the load generator on the
 * first, so neither steals the other's core mid-run: the same for every variant, less noise.
 */
const CAN_PIN = process.platform === 'linux' && os.cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;
let PIN = false;
const APP_CPU = String(os.cpus().length - 1);
const LOAD_CPU = '0';
const ALL_CPUS = `0-${os.cpus().length - 1}`;

function pinSelf(cpus: string): void {
  if (PIN) spawnSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
}

export function pinningNote(): string {
  return PIN ? `pinned (--pin): app pinned to CPU ${APP_CPU}; autocannon, the ingest and the OTLP sink to CPU ${LOAD_CPU} (taskset)` : 'no CPU pinning (as in production; `--pin` pins the app and the load to separate cores)';
}

/** Where the Nest 11 set is installed (`npm ci --prefix bench/nest11`, done by run.ts). */
export const NEST11_DIR = path.join(__dirname, '..', '..', 'bench', 'nest11');

async function measureNestSet(nest: NestSet, settings: HttpBenchSettings, env: Record<string, string>, load: LoadGenerator, log: (line: string) => void): Promise<HttpSample[]> {
  const apps = new Map<HttpVariant, BenchApp>();
  try {
    // One at a time, so no app's start-up competes with another's warm-up.
    for (const variant of HTTP_VARIANTS) {
      const app = await BenchApp.start(variant, nest, env);
      apps.set(variant, app);
      await load.run(`${app.base}/work`, settings.warmupSeconds, settings.connections);
      await load.run(`${app.base}/ping`, Math.max(1, settings.warmupSeconds / 2), settings.connections);
    }
    const samples: HttpSample[] = [];
    for (let round = 1; round <= settings.rounds; round++) {
      // Rotated each round so no variant always follows the same one.
      const order = HTTP_VARIANTS.map((_, i) => HTTP_VARIANTS[(i + round - 1) % HTTP_VARIANTS.length]!);
      for (const route of ['/ping', '/work'] as const) {
        for (const variant of order) samples.push(await measureSlice(apps.get(variant)!, variant, nest, route, round, settings, load));
      }
      const line = (route: string) => order.map((v) => `${v} ${Math.round(samples.find((s) => s.round === round && s.variant === v && s.route === route)!.requestsPerSecond)}`).join(', ');
      log(`nest ${nest} round ${round}/${settings.rounds} req/s  /ping: ${line('/ping')}  /work: ${line('/work')}`);
    }
    return samples;
  } finally {
    for (const app of apps.values()) await app.stop();
  }
}

async function measureSlice(app: BenchApp, variant: HttpVariant, nest: NestSet, route: '/ping' | '/work', round: number, settings: HttpBenchSettings, load: LoadGenerator): Promise<HttpSample> {
  const before = await app.begin();
  const result = await load.run(`${app.base}${route}`, settings.sliceSeconds, settings.connections);
  const after = await app.end();
  const used = after.userMicros + after.systemMicros - (before.userMicros + before.systemMicros);
  return {
    round,
    nest,
    nestVersion: app.nestVersion,
    variant,
    route,
    requestsPerSecond: result.requests / settings.sliceSeconds,
    cpuMicrosPerRequest: result.requests > 0 ? used / result.requests : Number.NaN,
    delayP99Ms: after.delayP99Ms,
    delayMaxMs: after.delayMaxMs,
    errors: result.errors,
    ...(before.spans && after.spans ? { spansSent: after.spans.sent - before.spans.sent, spansDropped: after.spans.dropped - before.spans.dropped } : {}),
  };
}

type CpuMessage = Extract<AppMessage, { type: 'cpu' }>;

/** One variant's app process (http-app-main), told over IPC when a slice begins and ends. */
class BenchApp {
  private readonly messages: AppMessage[] = [];
  private readonly waiters: Array<(m: AppMessage) => void> = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly base: string,
    readonly nestVersion: string,
  ) {}

  static async start(variant: HttpVariant, nest: NestSet, env: Record<string, string>): Promise<BenchApp> {
    const child = fork(path.join(__dirname, 'http-app-main.js'), [], {
      env: { ...process.env, ...env, BENCH_VARIANT: variant, ...(nest === '11' ? { BENCH_NEST_DIR: NEST11_DIR } : {}) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...(PIN ? { execPath: 'taskset', execArgv: ['-c', APP_CPU, process.execPath] } : {}),
    });
    const early: AppMessage[] = [];
    const ready = await new Promise<Extract<AppMessage, { type: 'ready' }>>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`bench app ${variant} (Nest ${nest}) exited with ${code} before it was ready`)));
      child.on('message', (m: AppMessage) => (m.type === 'ready' ? resolve(m) : early.push(m)));
    });
    child.removeAllListeners('exit');
    child.removeAllListeners('message');
    const app = new BenchApp(child, `http://127.0.0.1:${ready.port}`, ready.nest);
    child.on('message', (m: AppMessage) => (app.waiters.length ? app.waiters.shift()!(m) : app.messages.push(m)));
    return app;
  }

  /** CPU so far; the app starts sampling its event-loop delay. */
  begin(): Promise<CpuMessage> {
    return this.ask('begin');
  }

  /** CPU so far and the delay since begin(); the app stops sampling. */
  end(): Promise<CpuMessage> {
    return this.ask('end');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.send('stop');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await once(this.child, 'exit');
    clearTimeout(timer);
  }

  private ask(message: 'begin' | 'end'): Promise<CpuMessage> {
    this.child.send(message);
    return new Promise<AppMessage>((resolve) => (this.messages.length ? resolve(this.messages.shift()!) : this.waiters.push(resolve))) as Promise<CpuMessage>;
  }
}

/** The load-generator process (load-generator.ts), one for the whole bench. */
class LoadGenerator {
  private readonly child: ChildProcess;

  constructor() {
    this.child = fork(path.join(__dirname, 'load-generator.js'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...(PIN ? { execPath: 'taskset', execArgv: ['-c', LOAD_CPU, process.execPath] } : {}),
    });
  }

  async run(url: string, seconds: number, connections: number): Promise<LoadResult> {
    const request: LoadRequest = { url, seconds, connections };
    this.child.send(request);
    const [result] = (await once(this.child, 'message')) as [LoadResult];
    return result;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.send('stop');
    await once(this.child, 'exit');
  }
}

/**
 * Boots real Nest apps for the e2e tests: in this process on Express or Fastify (port 0 on
 * 127.0.0.1), or as a child process from a fixture (a compiled app that prints {"port":N}).
 * Also installs the packed package into the fixtures that load `@teracron/nestjs` by name.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { INestApplication, INestMicroservice, LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { installPackedPackage } from './packed-package';
import { repoRoot } from './vectors';

export const PLATFORMS = ['express', 'fastify'] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface RunningNestApp {
  app: INestApplication;
  /** 'http://127.0.0.1:PORT', no trailing slash. */
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Nest's logger: false (default) for silence, or a CapturedLogger to read what was logged. */
  logger?: LoggerService | false;
  /** Runs before listen (global prefix, filters, microservices…). */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/** Two services joined by a transport: B (a microservice, already listening) and A, the HTTP app that calls it. */
export interface ServicePair {
  a: RunningNestApp;
  b: INestMicroservice;
  close(): Promise<void>;
}

/** Starts A on Express beside the listening `b`; B is closed again when A fails to start. */
export async function withHttpCaller(b: INestMicroservice, callerModule: Type<unknown>, options: StartOptions = {}): Promise<ServicePair> {
  let a: RunningNestApp;
  try {
    a = await startNestApp(callerModule, 'express', options);
  } catch (error) {
    await b.close();
    throw error;
  }
  return {
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
    },
  };
}

export async function startNestApp(rootModule: Type<unknown>, platform: Platform, options: StartOptions = {}): Promise<RunningNestApp> {
  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  // abortOnError false: a start-up error rejects here instead of exiting the test process.
  const app = await NestFactory.create(rootModule, adapter, { logger: options.logger ?? false, abortOnError: false });
  await options.configure?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  let closed: Promise<void> | undefined;
  return { app, url: `http://127.0.0.1:${port}`, close: () => (closed ??= app.close()) };
}

/** A Nest LoggerService that keeps every line, for tests that check what the module logged. */
export class CapturedLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string; context: string | undefined }> = [];

  log(message: unknown, context?: string): void {
    this.add('log', message, context);
  }
  error(message: unknown, _trace?: string, context?: string): void {
    this.add('error', message, context);
  }
  warn(message: unknown, context?: string): void {
    this.add('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.add('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.add('verbose', message, context);
  }

  /** Lines of one level, from the Teracron context only. */
  teracron(level: string): string[] {
    return this.lines.filter((line) => line.level === level && line.context === 'Teracron').map((line) => line.message);
  }

  private add(level: string, message: unknown, context: string | undefined): void {
    this.lines.push({ level, message: String(message), context });
  }
}

export interface FixtureProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** The JSON line the app printed once listening ({"port":N, …}). */
  firstLine: string;
  /** Everything the app printed after its first line, and its stderr. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running; idempotent. */
  kill(): void;
}

/** Starts `node <script>` and resolves once it prints its {"port":N} line (rejects on exit or after startTimeoutMs). */
export async function spawnFixtureApp(
  script: string,
  env: Record<string, string>,
  options: { cwd?: string; startTimeoutMs?: number } = {},
): Promise<FixtureProcess> {
  const child = spawn(process.execPath, [script], {
    cwd: options.cwd ?? repoRoot(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not print its port within ${options.startTimeoutMs ?? 20_000} ms`), options.startTimeoutMs ?? 20_000);
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`fixture ${path.relative(repoRoot(), script)} ${why}:\n${output}`));
    };
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    void exited.then(({ code, signal }) => fail(`exited (code ${code}, signal ${signal}) before printing its port`));
  });
  lines.on('line', (line) => (output += `${line}\n`));
  const { port } = JSON.parse(first) as { port: number };
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    firstLine: first,
    output: () => output,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * The compiled ESM fixture: tsc does not copy package.json, so its "type": "module" is written
 * beside the output (a package.json without our name also ends Node's self-reference lookup), and
 * the packed tarball is installed there. Nest 12 resolves from the repository's node_modules.
 */
export async function prepareNest12EsmFixture(tarball: string): Promise<string> {
  const dir = path.join(repoRoot(), 'dist', 'test', 'fixtures', 'nest12-esm');
  if (!existsSync(path.join(dir, 'main.js'))) throw new Error(`test support: ${dir}/main.js is missing; build first (npm run build:test)`);
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  await installPackedPackage(dir, tarball);
  return path.join(dir, 'main.js');
}

/**
 * The CommonJS Nest 11 fixture, with Nest 11 from its own node_modules, copied first: the Nest 11
 * suites load Nest from the source folder while this one runs, and an npm install there would
 * rewrite the tree under them.
 */
export async function prepareNest11CjsFixture(tarball: string): Promise<string> {
  const source = path.join(repoRoot(), 'test', 'fixtures', 'nest11-cjs');
  if (!existsSync(path.join(source, 'node_modules', '@nestjs', 'core'))) {
    throw new Error('test support: Nest 11 is not installed for the CommonJS fixture; run `npm ci --prefix test/fixtures/nest11-cjs`');
  }
  const dir = path.join(repoRoot(), 'dist', 'test', 'fixtures', 'nest11-cjs-packed');
  rmSync(dir, { recursive: true, force: true });
  cpSync(source, dir, { recursive: true, verbatimSymlinks: true });
  await installPackedPackage(dir, tarball);
  return path.join(dir, 'main.js');
}

/** The ids an app named in its X-Teracron-Trace response header (TRACE or TRACE:SPAN). */
export function responseTraceIds(response: Response): { traceId: string; spanId: string | undefined } {
  const header = response.headers.get('x-teracron-trace');
  if (header === null) throw new Error(`the response to ${response.url} has no X-Teracron-Trace header`);
  const [traceId, spanId] = header.split(':');
  return { traceId: traceId!, spanId };
}

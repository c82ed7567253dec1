/**
 * Command-line parsing for teracron-agent (node:util parseArgs, strict): which command runs and
 * with which flags. Every mistake becomes a CliUsageError with a one-line message.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const DEFAULT_DEV_PORT = 7415;
export const DEFAULT_DEV_URL = `http://127.0.0.1:${DEFAULT_DEV_PORT}`;

export type AgentCommand =
  | { command: 'help'; topic?: 'run' | 'dev' | 'tail' }
  | { command: 'version' }
  | { command: 'run'; pid?: string; apiKey?: string; domain?: string }
  | { command: 'dev'; port?: number; dataDir?: string; httpsPort?: number }
  | { command: 'tail'; url: string };

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

const COMMON = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const RUN = { ...COMMON, pid: { type: 'string' }, 'api-key': { type: 'string' }, domain: { type: 'string' } } as const;
const DEV = { ...COMMON, port: { type: 'string' }, data: { type: 'string' }, 'https-port': { type: 'string' } } as const;
const TAIL = { ...COMMON, url: { type: 'string' } } as const;

type Env = Record<string, string | undefined>;

export function parseAgentArgs(argv: readonly string[], env: Env = process.env): AgentCommand {
  const first = argv[0];
  const named = first !== undefined && !first.startsWith('-');
  const command = named ? first : 'run';
  const rest = named ? argv.slice(1) : argv;
  switch (command) {
    case 'help':
      return { command: 'help' };
    case 'run': {
      const { values } = parse(rest, RUN, command);
      if (values.version) return { command: 'version' };
      if (values.help) return { command: 'help', topic: named ? 'run' : undefined };
      return { command: 'run', pid: values.pid, apiKey: values['api-key'], domain: values.domain };
    }
    case 'dev': {
      const { values } = parse(rest, DEV, command);
      if (values.version) return { command: 'version' };
      if (values.help) return { command: 'help', topic: 'dev' };
      const portText = values.port ?? env.TERACRON_DEV_PORT;
      const httpsText = values['https-port'] ?? (env.TERACRON_DEV_HTTPS_PORT?.trim() || undefined);
      const dataDir = values.data ?? (env.TERACRON_DEV_DIR?.trim() || undefined);
      return {
        command: 'dev',
        port: portText === undefined ? undefined : parsePort(portText, values.port !== undefined ? '--port' : 'TERACRON_DEV_PORT'),
        dataDir,
        httpsPort: httpsText === undefined ? undefined : parsePort(httpsText, values['https-port'] !== undefined ? '--https-port' : 'TERACRON_DEV_HTTPS_PORT'),
      };
    }
    case 'tail': {
      const { values } = parse(rest, TAIL, command);
      if (values.version) return { command: 'version' };
      if (values.help) return { command: 'help', topic: 'tail' };
      return { command: 'tail', url: parseUrl(values.url ?? DEFAULT_DEV_URL) };
    }
    default:
      throw new CliUsageError(`unknown command "${command}" (expected run, dev or tail; see teracron-agent --help)`);
  }
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T, command: string) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
  } catch (error) {
    // parseArgs messages are one line already; keep them, minus Node's hint about "--" separators.
    const message = (error as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
    throw new CliUsageError(`${message} (command "${command}"; see teracron-agent ${command} --help)`);
  }
}

function parsePort(text: string, origin: string): number {
  const port = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || port > 65535) {
    throw new CliUsageError(`invalid ${origin} "${text}": expected a port number 0-65535 (0 picks a free port)`);
  }
  return port;
}

function parseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `http://${text}`);
  } catch {
    throw new CliUsageError(`invalid --url "${text}": expected the local Teracron's address, e.g. ${DEFAULT_DEV_URL}`);
  }
  if (url.protocol !== 'http:') throw new CliUsageError(`invalid --url "${text}": the local Teracron speaks plain http on loopback`);
  return url.origin;
}

#!/usr/bin/env node
/**
 * teracron-agent: `run` (default) monitors another process, `dev` runs the local Teracron,
 * `tail` prints its spans. User mistakes print one line on stderr and exit 2, never a stack.
 */
import { TeracronConfigError } from '../core/config/config-error';
import type { TeracronLogger } from '../core/logger';
import { SDK_VERSION } from '../core/sdk-version';
import { CliUsageError, parseAgentArgs } from './cli-args';
import { usage } from './cli-usage';

const USAGE_EXIT = 2;

const stderrLogger: TeracronLogger = {
  debug: (message) => process.stderr.write(`[teracron-agent] ${message}\n`),
  warn: (message) => process.stderr.write(`[teracron-agent] ${message}\n`),
  error: (message) => process.stderr.write(`[teracron-agent] ${message}\n`),
};

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseAgentArgs(argv);
  switch (parsed.command) {
    case 'help':
      process.stdout.write(usage(parsed.topic) + '\n');
      return 0;
    case 'version':
      process.stdout.write(`teracron-agent ${SDK_VERSION}\n`);
      return 0;
    // Commands load on demand: --help and --version should not pay for the client or the server.
    case 'run':
      return (require('./run-agent') as typeof import('./run-agent')).runAgent({ pid: parsed.pid, apiKey: parsed.apiKey, domain: parsed.domain, logger: stderrLogger });
    case 'dev':
      return (require('./dev-command') as typeof import('./dev-command')).runDevCommand({ port: parsed.port, dataDir: parsed.dataDir, httpsPort: parsed.httpsPort, logger: stderrLogger });
    case 'tail': {
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      process.once('SIGTERM', () => controller.abort());
      await (require('./tail') as typeof import('./tail')).runTail({ url: parsed.url, signal: controller.signal });
      return 0;
    }
  }
}

/** One line for the user: what is wrong and how to fix it. */
function describeFailure(error: unknown): { message: string; code: number } {
  if (error instanceof CliUsageError || error instanceof TeracronConfigError) return { message: error.message, code: USAGE_EXIT };
  const errno = error as NodeJS.ErrnoException & { port?: number };
  if (errno?.code === 'EADDRINUSE') {
    return { message: `the port is already in use (another teracron-agent dev?); pick another with --port N or --port 0`, code: USAGE_EXIT };
  }
  if (errno?.code === 'EACCES' || errno?.code === 'EPERM') {
    return { message: `permission denied: ${errno.message}`, code: USAGE_EXIT };
  }
  return { message: `unexpected failure: ${(error as Error)?.message ?? String(error)} (set TERACRON_DEBUG=1 for details)`, code: 1 };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const { message, code } = describeFailure(error);
    process.stderr.write(`teracron-agent: ${message.split('\n')[0]}\n`);
    if (code === 1 && /^(1|true|yes)$/i.test(process.env.TERACRON_DEBUG ?? '')) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    process.exit(code);
  },
);

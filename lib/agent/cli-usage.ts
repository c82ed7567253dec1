/** The text of `teracron-agent --help`, per command. */
import { DEFAULT_DEV_PORT, DEFAULT_DEV_URL } from './cli-args';

const RUN = `teracron-agent [run] [--pid N] [--api-key KEY] [--domain HOST[:PORT]]

  Monitors another process (memory and CPU) and ships its metrics to Teracron.
  Exits 0 after a final flush when the target exits, or on SIGTERM / SIGINT.

  --pid N            process to monitor        (env TERACRON_TARGET_PID, required)
  --api-key KEY      project key, tcn_…        (env TERACRON_API_KEY, required)
  --domain HOST      ingest host[:port]        (env TERACRON_DOMAIN, default www.teracron.com)

  Other settings come from the same env vars as the module: TERACRON_INTERVAL,
  TERACRON_MAX_BUFFER, TERACRON_FLUSH_DEADLINE, TERACRON_TIMEOUT, TERACRON_DEBUG, …
  Flags beat env vars.`;

const DEV = `teracron-agent dev [--port N] [--data DIR] [--https-port N]

  Runs the local Teracron: an ingest for a development project of its own, which
  decrypts, stores and shows traces, workflow events and memory in a browser.
  The first run makes an RSA-4096 key pair; later runs reuse it.

  --port N           port on 127.0.0.1         (env TERACRON_DEV_PORT, default ${DEFAULT_DEV_PORT}; 0 = any free port)
  --data DIR         keys and stored data      (env TERACRON_DEV_DIR, default ~/.teracron/dev)
  --https-port N     also HTTPS on this port   (env TERACRON_DEV_HTTPS_PORT; for SDKs that speak HTTPS only,
                     such as the Python SDK 0.6.1; the certificate is made on first use with openssl)`;

const TAIL = `teracron-agent tail [--url URL]

  Prints spans as they reach the local Teracron, as indented trees per trace.

  --url URL          the local Teracron        (default ${DEFAULT_DEV_URL})`;

export function usage(topic?: 'run' | 'dev' | 'tail'): string {
  if (topic === 'run') return RUN;
  if (topic === 'dev') return DEV;
  if (topic === 'tail') return TAIL;
  return [
    'teracron-agent: Teracron outside your app.',
    '',
    'Commands:',
    '  run (default)  monitor another process by pid',
    '  dev            the local Teracron: dev ingest + trace and memory UI',
    '  tail           print spans arriving at the local Teracron',
    '',
    RUN,
    '',
    DEV,
    '',
    TAIL,
    '',
    '  -h, --help         this help      -v, --version      the version',
  ].join('\n');
}

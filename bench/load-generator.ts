/**
 * The HTTP bench's load: one long-lived process running autocannon (its JS API) on request, so
 * a slice of load costs no process start and the runner's event loop (which holds the ingest)
 * stays out of it. Told `{ url, seconds, connections }` over IPC; answers `{ requests, errors }`.
 */
type Autocannon = (
  options: { url: string; connections: number; duration: number },
  done: (error: Error | null, result: { requests: { total: number }; errors: number; non2xx: number }) => void,
) => unknown;
// autocannon ships no types; this is the one call used.
const autocannon = require('autocannon') as Autocannon;

export interface LoadRequest {
  url: string;
  seconds: number;
  connections: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
}

process.on('message', (message: LoadRequest | 'stop') => {
  if (message === 'stop') return process.exit(0);
  autocannon({ url: message.url, connections: message.connections, duration: message.seconds }, (error, result) => {
    const answer: LoadResult = error ? { requests: 0, errors: 1 } : { requests: result.requests.total, errors: result.errors + result.non2xx };
    process.send?.(answer);
  });
});

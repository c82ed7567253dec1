/**
 * Running clients, newest last. Work that starts outside any traced context (a bare
 * `@Trace` call, a cron job) goes to the newest running client; with none, tracing passes through.
 * Several clients may run at once (several Nest apps in one test process).
 */
import type { TraceSink } from './trace-sink';

const running: TraceSink[] = [];

export function registerActiveClient(client: TraceSink): void {
  if (!running.includes(client)) running.push(client);
}

export function unregisterActiveClient(client: TraceSink): void {
  const index = running.indexOf(client);
  if (index >= 0) running.splice(index, 1);
}

export function currentActiveClient(): TraceSink | undefined {
  return running.length === 0 ? undefined : running[running.length - 1];
}

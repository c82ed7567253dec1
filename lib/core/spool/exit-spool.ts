/**
 * Runs the clients' spoolers when the process ends with data still queued: on 'exit' (a
 * `process.exit()`, an uncaught exception, the event loop running dry) and on SIGTERM/SIGINT
 * when nobody else listens. A signal listener replaces Node's default (die at once), so ours
 * acts only when it is alone, then removes itself and raises the signal again: the process ends
 * exactly as it would have without us. When the app listens too (Nest's `enableShutdownHooks()`,
 * its own handler), that listener decides, and the 'exit' hook still catches what is left.
 */
import { isMainThread } from 'node:worker_threads';

export type ExitSpooler = () => void;

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type Signal = (typeof SIGNALS)[number];

const spoolers = new Set<ExitSpooler>();
const signalListeners: Record<Signal, () => void> = {
  SIGTERM: () => onSignal('SIGTERM'),
  SIGINT: () => onSignal('SIGINT'),
};
let installed = false;

/** Registers a synchronous spooler; returns its removal. */
export function registerExitSpooler(spooler: ExitSpooler): () => void {
  spoolers.add(spooler);
  install();
  return () => {
    spoolers.delete(spooler);
    if (spoolers.size === 0) uninstall();
  };
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runSpoolers);
  // Signals are delivered to the main thread only. Ours runs first, so the count it reads is the
  // listeners the signal found: a handler that removes itself when it runs (the agent's) still counts.
  if (isMainThread) for (const signal of SIGNALS) process.prependListener(signal, signalListeners[signal]);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('exit', runSpoolers);
  for (const signal of SIGNALS) process.removeListener(signal, signalListeners[signal]);
}

/**
 * signal-exit (loaded by many tools) follows the same rule as ours: it re-raises a signal only
 * when its own listeners are all there are, and it counts them on `process.__signal_exit_emitter__`.
 * Each deferring to the other would leave the signal ignored, so its listeners do not count as
 * someone handling the signal: we spool and re-raise, and then it is alone and acts as it would.
 */
function signalExitListeners(): number {
  const emitter = (process as { __signal_exit_emitter__?: { count?: unknown } }).__signal_exit_emitter__;
  return typeof emitter?.count === 'number' ? emitter.count : 0;
}

function runSpoolers(): void {
  const all = [...spoolers];
  spoolers.clear();
  uninstall();
  for (const spooler of all) {
    try {
      spooler();
    } catch {
      // One client's failure must not cost another's data, nor change how the process exits.
    }
  }
}

function onSignal(signal: Signal): void {
  if (process.listenerCount(signal) - 1 - signalExitListeners() > 0) return;
  runSpoolers();
  process.kill(process.pid, signal);
}

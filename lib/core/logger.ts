/**
 * The core's logger interface, and the redaction every message passes through:
 * whatever a caller writes, an API key or a PEM block never reaches the output.
 */
export interface TeracronLogger {
  debug(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const API_KEY_PATTERN = /tcn_[A-Za-z0-9+/=_-]{8,}/g;
const PEM_PATTERN = /-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g;

export function redact(message: string): string {
  return message.replace(PEM_PATTERN, '[redacted key]').replace(API_KEY_PATTERN, 'tcn_…');
}

/** Wraps a sink so every line is redacted and debug lines appear only in debug mode. */
export function createRedactingLogger(sink: TeracronLogger, debugEnabled: boolean): TeracronLogger {
  return {
    debug: (message) => {
      if (debugEnabled) sink.debug(redact(message));
    },
    warn: (message) => sink.warn(redact(message)),
    error: (message) => sink.error(redact(message)),
  };
}

export const consoleLogger: TeracronLogger = {
  debug: (message) => console.debug(`[Teracron] ${message}`),
  warn: (message) => console.warn(`[Teracron] ${message}`),
  error: (message) => console.error(`[Teracron] ${message}`),
};

export const silentLogger: TeracronLogger = { debug() {}, warn() {}, error() {} };

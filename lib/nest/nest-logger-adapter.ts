/** The core logs through a TeracronLogger; in a Nest app that is Nest's Logger, context 'Teracron'. */
import { Logger } from '@nestjs/common';
import type { TeracronLogger } from '../core/logger';

export function createNestLoggerAdapter(logger: Logger = new Logger('Teracron')): TeracronLogger {
  return {
    debug: (message) => logger.debug(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  };
}

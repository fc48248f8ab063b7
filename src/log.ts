import pino from 'pino';
import type { Logger } from './util/logger.js';

export type { LogFn, Logger } from './util/logger.js';

/** The one place pino is configured: JSON lines on stdout, errors under `err`. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'dex-order-engine' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

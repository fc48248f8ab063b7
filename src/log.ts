import pino from 'pino';

/** Writes one structured line: fields first, then the message; errors go under `err`. */
export interface LogFn {
  (fields: object, msg?: string): void;
  (msg: string): void;
}

/**
 * The logger every module receives. An interface of its own, so the pure core depends on no
 * logging library; pino satisfies it. Context goes in child loggers (`log.child({ orderId })`).
 */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  /** Writes out what the asynchronous destination still holds (before an exit). */
  flush(): void;
}

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

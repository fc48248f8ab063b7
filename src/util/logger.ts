/** Writes one structured line: fields first, then the message; errors go under `err`. */
export interface LogFn {
  (fields: object, msg?: string): void;
  (msg: string): void;
}

/**
 * The logger every module receives: an interface with no library behind it, so the pure core
 * depends on nothing; `createLogger` in src/log.ts makes one with pino. Context goes in child
 * loggers (`log.child({ orderId })`).
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

import type { Logger } from './log.js';

/**
 * Runs `shutdown` once on SIGTERM/SIGINT (or a fatal error) under a hard deadline, then exits.
 * A second signal exits at once with code 1. Returns `stop` for the caller's own fatal paths.
 */
export function handleShutdown(options: { log: Logger; timeoutMs: number; shutdown: (reason: string) => Promise<void> }): (reason: string, exitCode: number) => void {
  const { log, timeoutMs, shutdown } = options;
  let stopping = false;

  const stop = (reason: string, exitCode: number) => {
    if (stopping) {
      log.warn({ reason }, 'second stop request; exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ reason, timeoutMs }, 'shutting down');
    const deadline = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown deadline passed; exiting');
      log.flush();
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    shutdown(reason).then(
      () => {
        log.info('stopped');
        log.flush();
        process.exitCode = exitCode;
        // Give the async log destination a moment, then leave even if a stray handle stays open.
        setTimeout(() => process.exit(exitCode), 100).unref();
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        log.flush();
        process.exit(1);
      },
    );
  };

  process.on('SIGTERM', () => stop('SIGTERM', 0));
  process.on('SIGINT', () => stop('SIGINT', 0));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    stop('uncaughtException', 1);
  });
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled rejection');
    stop('unhandledRejection', 1);
  });
  return stop;
}

import type { Logger } from './log.js';
import { withTimeout } from './util/with-timeout.js';

/** One named step of an ordered shutdown. */
export interface ShutdownStep {
  readonly name: string;
  /** Does the step within `timeoutMs`; a step that overruns is abandoned (logged) and the next one runs. */
  readonly run: (timeoutMs: number) => unknown;
  /** Time kept back for this step while the earlier ones run: an earlier step (the drain) never eats into it. */
  readonly reserveMs?: number;
  /** The longest the step may take, even when the budget has more left. */
  readonly maxMs?: number;
}

/**
 * A healthy close (a Redis QUIT, a pool's end, a stream reader's stop) takes milliseconds; one that
 * waits on a service that is down is given up after this, so it never holds the shutdown.
 */
export const CLOSE_STEP_MS = 250;

/** A step that closes a connection: CLOSE_STEP_MS kept for it, and no more. */
export function closeStep(name: string, run: (timeoutMs: number) => unknown): ShutdownStep {
  return { name, run, reserveMs: CLOSE_STEP_MS, maxMs: CLOSE_STEP_MS };
}

/** Most of a budget the reserves of the steps after the drain may take; the drain keeps the rest. */
const MAX_RESERVED_SHARE = 0.5;

/** Steps shorter than this are not worth starting with less; a synchronous step needs none. */
const MIN_STEP_MS = 20;

/**
 * Runs the steps in order under one budget. Each step may take what is left of the budget minus the
 * reserves of the steps after it (and at most its `maxMs`); the reserves together take at most
 * half the budget (scaled down alike when they would take more). So the whole never outlives `budgetMs`
 * by more than MIN_STEP_MS a step, whatever hangs (every close waits on Redis, and waits forever
 * while Redis is down).
 */
export async function runShutdown(steps: readonly ShutdownStep[], budgetMs: number, log: Logger): Promise<void> {
  const deadline = Date.now() + budgetMs;
  // A short budget scales every reserve down alike, so the reserves never take more than half of it.
  const reserved = steps.reduce((sum, step) => sum + (step.reserveMs ?? 0), 0);
  const scale = Math.min(1, (budgetMs * MAX_RESERVED_SHARE) / Math.max(1, reserved));
  const reserveOf = (step: ShutdownStep) => (step.reserveMs ?? 0) * scale;
  for (const [index, step] of steps.entries()) {
    const reservedAfter = steps.slice(index + 1).reduce((sum, later) => sum + reserveOf(later), 0);
    const available = deadline - Date.now() - reservedAfter;
    const timeoutMs = Math.max(MIN_STEP_MS, Math.min(step.maxMs ?? Infinity, available));
    const started = Date.now();
    try {
      await withTimeout(Promise.resolve().then(() => step.run(timeoutMs)), timeoutMs);
      log.debug({ step: step.name, ms: Date.now() - started }, 'shutdown step done');
    } catch (err) {
      log.warn({ err, step: step.name, timeoutMs }, 'shutdown step failed or overran; going on');
    }
  }
}

/** Extra time the process gets past its shutdown budget before it exits regardless (a step stuck in a synchronous loop). */
const HARD_STOP_GRACE_MS = 1_000;

/**
 * Runs `shutdown` once on SIGTERM/SIGINT (or a fatal error), then exits. The process exits with 1
 * if the shutdown has not finished HARD_STOP_GRACE_MS after its budget; a second signal exits at
 * once with 1. Returns `stop` for the caller's own fatal paths.
 */
export function handleShutdown(options: { log: Logger; budgetMs: number; shutdown: (reason: string) => Promise<void> }): (reason: string, exitCode: number) => void {
  const { log, budgetMs, shutdown } = options;
  let stopping = false;

  const stop = (reason: string, exitCode: number) => {
    if (stopping) {
      log.warn({ reason }, 'second stop request; exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ reason, budgetMs }, 'shutting down');
    const hardStop = setTimeout(() => {
      log.error({ budgetMs }, 'shutdown overran its budget; exiting');
      log.flush();
      process.exit(1);
    }, budgetMs + HARD_STOP_GRACE_MS);
    hardStop.unref();
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

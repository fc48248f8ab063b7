import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { Logger } from '../../log.js';

/**
 * Lowers the CPU priority of the calling thread only (Linux: /proc/thread-self names the thread,
 * and setpriority on a thread id affects that thread). Returns false where that is not possible;
 * the thread then simply keeps the process's priority.
 */
export function niceThisThread(nice: number, log: Logger): boolean {
  if (nice === 0) return true;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    log.debug({ tid, nice }, 'thread priority lowered');
    return true;
  } catch (err) {
    log.debug({ err }, 'cannot lower this thread’s priority here; it keeps the process priority');
    return false;
  }
}

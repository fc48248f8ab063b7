import { readlinkSync } from 'node:fs';
import { getPriority } from 'node:os';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { niceThisThread } from '../../../src/adapters/os/thread-priority.js';

describe.runIf(process.platform === 'linux')('niceThisThread', () => {
  it('lowers the priority of the calling thread only, not of the process', () => {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    const before = getPriority(tid);
    expect(niceThisThread(Math.min(19, before + 1), pino({ level: 'silent' }))).toBe(true);
    expect(getPriority(tid)).toBe(Math.min(19, before + 1));
    if (tid !== process.pid) expect(getPriority(process.pid)).toBe(before);
  });
});

import type { Clock } from '../../orders/ports.js';

/** The Clock port on the machine's own time (tests use a virtual clock instead). */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

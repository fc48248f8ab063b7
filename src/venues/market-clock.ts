import type { PairDynamics } from './pair-dynamics.js';

/**
 * A market's time: the tick it stands at and how far into that tick it has run (`part`, 0 to 1).
 * A tick's dynamics (reference walk, noise, arbitrage) run at its start, its competing snipers
 * through it, so a call at a time within a tick comes after the snipers that land before it. A gap
 * longer than `maxTicksPerAdvance` ticks jumps the references over the excess first (the snipers of
 * the skipped ticks are gone with them).
 */
export function createMarketClock(options: {
  startMs: number;
  tickMs: number;
  maxTicksPerAdvance: number;
  tick: number;
  part: number;
  worlds: () => Iterable<{ readonly world: PairDynamics }>;
}) {
  const { startMs, tickMs, maxTicksPerAdvance, worlds } = options;
  let { tick, part } = options;

  function snipers(fromPart: number, toPart: number): void {
    for (const { world } of worlds()) world.snipers(tick, fromPart, toPart);
  }

  /** Brings every pair to `nowMs`; an earlier time than the clock's does nothing. */
  function advance(nowMs: number): void {
    const target = Math.floor((nowMs - startMs) / tickMs);
    if (!Number.isFinite(target) || target < tick) return;
    if (target > tick) {
      const skipped = target - tick - maxTicksPerAdvance;
      for (const { world } of worlds()) {
        world.snipers(tick, part, 1);
        let start = tick;
        if (skipped > 0) {
          world.jump(start, skipped);
          start += skipped;
        }
        for (let t = start + 1; t <= target; t++) {
          world.step(t);
          if (t < target) world.snipers(t, 0, 1);
        }
      }
      tick = target;
      part = 0;
    }
    const within = (nowMs - startMs - tick * tickMs) / tickMs;
    if (within > part) {
      snipers(part, within);
      part = within;
    }
  }

  return {
    advance,
    /** Brings every pair to `nowMs`, then runs the rest of that tick. */
    endTick(nowMs: number): void {
      advance(nowMs);
      if (part >= 1) return;
      snipers(part, 1);
      part = 1;
    },
    get tick(): number {
      return tick;
    },
    get part(): number {
      return part;
    },
  };
}

import type { CpmmPool } from './raydium-cpmm.js';
import type { DlmmPool } from './meteora-dlmm.js';
import type { CpmmState, DlmmState } from './types.js';

/** Reads a CPMM pool's state. */
export function saveCpmm(pool: CpmmPool): CpmmState {
  return { dex: 'raydium', base: pool.base, quote: pool.quote };
}

/** Puts a saved state into a CPMM pool built from the same pair spec. */
export function loadCpmm(pool: CpmmPool, state: CpmmState): void {
  if (!(state.base > 0 && state.quote > 0)) throw new RangeError('CPMM reserves must be positive');
  pool.base = state.base;
  pool.quote = state.quote;
}

/** Reads a DLMM pool's state, compactly when every bin but the active one holds one token. */
export function saveDlmm(pool: DlmmPool): DlmmState {
  const size = pool.prices.length;
  const active = pool.activeId - pool.lowerId;
  const compact = new Float64Array(size + 1);
  for (let i = 0; i < size; i++) {
    const [kept, dropped] = i < active ? [pool.quoteAmounts[i]!, pool.baseAmounts[i]!] : [pool.baseAmounts[i]!, pool.quoteAmounts[i]!];
    if (dropped !== 0 && i !== active) {
      const { lowerId, activeId } = pool;
      return { dex: 'meteora', lowerId, activeId, baseBins: encode(pool.baseAmounts), quoteBins: encode(pool.quoteAmounts) };
    }
    compact[i] = kept;
  }
  compact[size] = pool.quoteAmounts[active]!;
  return { dex: 'meteora', lowerId: pool.lowerId, activeId: pool.activeId, bins: encode(compact) };
}

/** Puts a saved state into a DLMM pool built from the same pair spec (same bin step and range). */
export function loadDlmm(pool: DlmmPool, state: DlmmState): void {
  const size = pool.prices.length;
  const active = state.activeId - state.lowerId;
  if (state.lowerId !== pool.lowerId || !(active >= 0 && active < size)) throw new RangeError('DLMM state does not fit this pool');
  if ('bins' in state) {
    const compact = decode(state.bins, size + 1);
    for (let i = 0; i < size; i++) {
      pool.baseAmounts[i] = i >= active ? compact[i]! : 0;
      pool.quoteAmounts[i] = i < active ? compact[i]! : 0;
    }
    pool.quoteAmounts[active] = compact[size]!;
  } else {
    pool.baseAmounts.set(decode(state.baseBins, size));
    pool.quoteAmounts.set(decode(state.quoteBins, size));
  }
  pool.activeId = state.activeId;
}

function encode(values: Float64Array): string {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((value, i) => view.setFloat64(i * 8, value, true));
  return Buffer.from(view.buffer).toString('base64');
}

function decode(text: string, length: number): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== length * 8) throw new RangeError(`expected ${length} bins, got ${bytes.length / 8}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float64Array.from({ length }, (_, i) => view.getFloat64(i * 8, true));
}

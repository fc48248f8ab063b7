import { buyQuote, ceilTo, floorTo, sellQuote } from './amounts.js';
import type { PoolOrder, Side, VenueQuote } from './types.js';

/**
 * A Meteora DLMM pool: liquidity sits in discrete bins, bin `id` trades at the fixed price
 * (1 + binStep/10000)^id. Bins above the active bin hold BASE (asks), bins below hold QUOTE (bids),
 * the active bin holds both. A mutable record owned by one market: `quoteDlmm` only reads it,
 * `swapDlmm` updates the bins and the active id in place. Fees leave the bins (they accrue to LPs
 * outside the liquidity), so the bins' value is conserved by a swap.
 */
export interface DlmmPool {
  readonly binStep: number;
  readonly baseFeeBps: number;
  /** Variable fee in bps = variableFeeControl × (binsCrossed × binStep)², capped at maxVariableFeeBps. */
  readonly variableFeeControl: number;
  readonly maxVariableFeeBps: number;
  readonly baseDecimals: number;
  readonly quoteDecimals: number;
  /** The bin id stored at index 0 of the arrays below. */
  readonly lowerId: number;
  readonly prices: Float64Array;
  readonly baseAmounts: Float64Array;
  readonly quoteAmounts: Float64Array;
  activeId: number;
}

export interface DlmmOptions {
  /** Starting price, QUOTE per BASE: the active bin is the one nearest to it. */
  readonly price: number;
  readonly binStep: number;
  /** BASE in each ask bin; each bid bin holds the same value in QUOTE ("spot", uniform shape). */
  readonly baseLiquidityPerBin: number;
  readonly baseDecimals: number;
  readonly quoteDecimals: number;
  /** Bins on each side of the active bin; defaults to enough to cover half to twice the start price. */
  readonly binRange?: number;
  /** Defaults to binStep (a 10 bps bin step charges 10 bps), as Meteora's usual presets do. */
  readonly baseFeeBps?: number;
  readonly variableFeeControl?: number;
  readonly maxVariableFeeBps?: number;
}

/** The price of bin `id`, QUOTE per BASE. */
export function binPrice(id: number, binStep: number): number {
  return (1 + binStep / 10_000) ** id;
}

/** The id of the bin whose price is nearest to `price` (in log terms). */
export function binIdFor(price: number, binStep: number): number {
  return Math.round(Math.log(price) / Math.log(1 + binStep / 10_000));
}

/** Creates a DLMM pool with uniform liquidity over a bounded range of bins around the start price. */
export function createDlmmPool(options: DlmmOptions): DlmmPool {
  const { price, binStep, baseLiquidityPerBin: perBin, baseDecimals, quoteDecimals } = options;
  if (!(price > 0 && binStep > 0 && perBin > 0)) throw new RangeError('DLMM price, bin step and liquidity must be positive');
  const range = options.binRange ?? Math.ceil(Math.log(2) / Math.log(1 + binStep / 10_000));
  const activeId = binIdFor(price, binStep);
  const lowerId = activeId - range;
  const size = 2 * range + 1;
  const prices = new Float64Array(size);
  const baseAmounts = new Float64Array(size);
  const quoteAmounts = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const id = lowerId + i;
    prices[i] = binPrice(id, binStep);
    const share = id === activeId ? 0.5 : 1;
    if (id >= activeId) baseAmounts[i] = perBin * share;
    if (id <= activeId) quoteAmounts[i] = perBin * share * prices[i]!;
  }
  return {
    binStep,
    baseFeeBps: options.baseFeeBps ?? binStep,
    variableFeeControl: options.variableFeeControl ?? 0.001,
    maxVariableFeeBps: options.maxVariableFeeBps ?? 100,
    baseDecimals,
    quoteDecimals,
    lowerId,
    prices,
    baseAmounts,
    quoteAmounts,
    activeId,
  };
}

/** The active bin's price, QUOTE per BASE. */
export function dlmmMidPrice(pool: DlmmPool): number {
  return pool.prices[pool.activeId - pool.lowerId]!;
}

/** The bins' value in QUOTE at the active bin's price: every bin's QUOTE plus its BASE marked at the mid. */
export function dlmmLiquidity(pool: DlmmPool): number {
  let base = 0;
  let quote = 0;
  for (let i = 0; i < pool.prices.length; i++) {
    base += pool.baseAmounts[i]!;
    quote += pool.quoteAmounts[i]!;
  }
  return base * dlmmMidPrice(pool) + quote;
}

/** The fee rate (a fraction) charged on the input swapped in a bin `binsCrossed` bins away from the starting active bin. */
export function dlmmFeeRate(pool: DlmmPool, binsCrossed: number): number {
  const moved = binsCrossed * pool.binStep;
  const variable = Math.min(pool.maxVariableFeeBps, pool.variableFeeControl * moved * moved);
  return (pool.baseFeeBps + variable) / 10_000;
}

/** Quotes `amount` BASE out (buy, exact output) or in (sell, exact input); null when the bins run out. */
export function quoteDlmm(pool: DlmmPool, side: Side, amount: number): VenueQuote | null {
  return walk(pool, side, amount)?.quote ?? null;
}

/** Executes the swap `quoteDlmm` describes, updating the bins and the active id in place. */
export function swapDlmm(pool: DlmmPool, side: Side, amount: number): VenueQuote | null {
  const plan = walk(pool, side, amount);
  if (!plan) return null;
  for (const bin of plan.bins) {
    pool.baseAmounts[bin.index] = bin.base;
    pool.quoteAmounts[bin.index] = bin.quote;
  }
  pool.activeId = plan.activeId;
  return plan.quote;
}

/** The order that moves the active bin to the one nearest `price` (kept inside the pool's range), or null if already there. */
export function dlmmOrderToward(pool: DlmmPool, price: number): PoolOrder | null {
  const last = pool.prices.length - 1;
  const target = Math.min(last, Math.max(0, binIdFor(price, pool.binStep) - pool.lowerId));
  const active = pool.activeId - pool.lowerId;
  if (target === active) return null;
  let amount = 0;
  if (target > active) {
    // Empty every ask bin below the target and land halfway through the target's BASE.
    for (let i = active; i < target; i++) amount += pool.baseAmounts[i]!;
    amount += pool.baseAmounts[target]! / 2;
  } else {
    for (let i = active; i > target; i--) amount += pool.quoteAmounts[i]! / pool.prices[i]!;
    amount += pool.quoteAmounts[target]! / pool.prices[target]! / 2;
    amount /= 1 - pool.baseFeeBps / 10_000;
  }
  return amount > 0 ? { side: target > active ? 'buy' : 'sell', amount } : null;
}

interface BinUpdate {
  readonly index: number;
  base: number;
  quote: number;
}

interface Walk {
  readonly quote: VenueQuote;
  readonly bins: readonly BinUpdate[];
  readonly activeId: number;
}

/** Walks the bins for a swap without touching the pool, returning the quote and the bins' new contents. */
function walk(pool: DlmmPool, side: Side, amount: number): Walk | null {
  const size = floorTo(amount, pool.baseDecimals);
  if (!(size > 0)) return null;
  return side === 'buy' ? walkUp(pool, size) : walkDown(pool, size);
}

/** A buy takes BASE from the active bin upwards, paying each bin's price plus that bin's fee. */
function walkUp(pool: DlmmPool, size: number): Walk | null {
  const start = pool.activeId - pool.lowerId;
  const bins: BinUpdate[] = [];
  let remaining = size;
  let net = 0;
  let fee = 0;
  let i = start;
  for (; ; i++) {
    if (i >= pool.prices.length) return null;
    const available = pool.baseAmounts[i]!;
    if (available <= 0) continue;
    const take = Math.min(remaining, available);
    const cost = take * pool.prices[i]!;
    const rate = dlmmFeeRate(pool, i - start);
    net += cost;
    fee += cost / (1 - rate) - cost;
    bins.push({ index: i, base: take === available ? 0 : available - take, quote: pool.quoteAmounts[i]! + cost });
    if (take === remaining) break;
    remaining -= take;
  }
  const amountIn = ceilTo(net + fee, pool.quoteDecimals);
  // Rounding the charge up leaves a dust of QUOTE with the pool, in the last bin it traded in.
  bins[bins.length - 1]!.quote += amountIn - (net + fee);
  return { quote: buyQuote(size, amountIn, fee, pool.prices[start]!), bins, activeId: pool.lowerId + i };
}

/** A sell takes QUOTE from the active bin downwards; each bin's fee is taken from the BASE put into it. */
function walkDown(pool: DlmmPool, size: number): Walk | null {
  const start = pool.activeId - pool.lowerId;
  const bins: BinUpdate[] = [];
  let remaining = size;
  let out = 0;
  let baseFee = 0;
  let i = start;
  for (; ; i--) {
    if (i < 0) return null;
    const available = pool.quoteAmounts[i]!;
    if (available <= 0) continue;
    const price = pool.prices[i]!;
    const rate = dlmmFeeRate(pool, start - i);
    const netToEmpty = available / price;
    const grossToEmpty = netToEmpty / (1 - rate);
    const base = pool.baseAmounts[i]!;
    if (remaining < grossToEmpty) {
      const netIn = remaining * (1 - rate);
      out += netIn * price;
      baseFee += remaining - netIn;
      bins.push({ index: i, base: base + netIn, quote: available - netIn * price });
      break;
    }
    out += available;
    baseFee += grossToEmpty - netToEmpty;
    bins.push({ index: i, base: base + netToEmpty, quote: 0 });
    if (remaining === grossToEmpty) break;
    remaining -= grossToEmpty;
  }
  const amountOut = floorTo(out, pool.quoteDecimals);
  if (!(amountOut > 0)) return null;
  // Rounding the payout down leaves a dust of QUOTE with the pool, in the last bin it traded in.
  bins[bins.length - 1]!.quote += out - amountOut;
  return { quote: sellQuote(size, amountOut, baseFee, pool.prices[start]!), bins, activeId: pool.lowerId + i };
}

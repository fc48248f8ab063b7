import { DEXES, type Dex, type PairSpec, type Token } from './types.js';

const SOL: Token = { symbol: 'SOL', decimals: 9 };
const USDC: Token = { symbol: 'USDC', decimals: 6 };
const USDT: Token = { symbol: 'USDT', decimals: 6 };
const JUP: Token = { symbol: 'JUP', decimals: 6 };
const RAY: Token = { symbol: 'RAY', decimals: 6 };

/**
 * The simulated pairs. Raydium's pools are deep but charge 25 bps and slide continuously; Meteora's
 * bins hold about half Raydium's depth but charge less (base fee = bin step) and fill small orders
 * inside one bin at no impact. So Meteora wins small orders, and Raydium wins once an order crosses
 * enough bins that Meteora's impact and variable fee overtake Raydium's higher fixed fee
 * (SOL/USDC: around 300 SOL at the start). A uniform bin pool of L per bin and step s slides like a CPMM of
 * 2·L·10000/s BASE, which is how the depths below were matched.
 */
export const PAIRS: readonly PairSpec[] = [
  {
    symbol: 'SOL/USDC',
    base: SOL,
    quote: USDC,
    initialPrice: 140,
    // 200k SOL a side (~$56M TVL): 1 SOL moves it 0.05 bps, 5,000 SOL ~260 bps.
    raydiumBaseReserve: 200_000,
    meteoraBinStep: 10,
    // ~$7k a bin: 1 SOL stays in the active bin, 1,000 SOL crosses 20 bins (~100 bps).
    meteoraBaseLiquidityPerBin: 50,
    volatility: 0.0003,
  },
  {
    symbol: 'SOL/USDT',
    base: SOL,
    quote: USDT,
    initialPrice: 140,
    raydiumBaseReserve: 40_000,
    meteoraBinStep: 15,
    meteoraBaseLiquidityPerBin: 15,
    volatility: 0.0003,
  },
  {
    symbol: 'JUP/USDC',
    base: JUP,
    quote: USDC,
    initialPrice: 0.9,
    raydiumBaseReserve: 6_000_000,
    meteoraBinStep: 20,
    meteoraBaseLiquidityPerBin: 4_000,
    volatility: 0.0005,
  },
  {
    symbol: 'RAY/USDC',
    base: RAY,
    quote: USDC,
    initialPrice: 2.5,
    raydiumBaseReserve: 2_000_000,
    meteoraBinStep: 25,
    meteoraBaseLiquidityPerBin: 1_250,
    volatility: 0.0005,
  },
];

/** The tokens a launched pair may be quoted in: the default pairs' quote tokens. */
export const QUOTE_TOKENS: readonly Token[] = [USDC, USDT];

/** The venues a pair has pools on, in DEXES order (every venue unless its spec names some). */
export function venuesOf(pair: PairSpec): readonly Dex[] {
  return pair.venues ?? DEXES;
}

/** Finds a pair by its "BASE/QUOTE" symbol. */
export function findPair(symbol: string, pairs: readonly PairSpec[] = PAIRS): PairSpec | undefined {
  return pairs.find((pair) => pair.symbol === symbol);
}

export * from './types.js';
export { PAIRS, findPair } from './pairs.js';
export { createMarket, MAX_TICKS_PER_ADVANCE, type Market, type MarketOptions } from './market.js';
export { chooseRoute, slippageLimit, withinLimit } from './router.js';

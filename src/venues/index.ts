export * from './types.js';
export { PAIRS, QUOTE_TOKENS, findPair, venuesOf } from './pairs.js';
export { createMarket, MAX_TICKS_PER_ADVANCE, type LegOrder, type Market, type MarketOptions } from './market.js';
export { createMarketView, type MarketView } from './market-view.js';
export { LAUNCH_BASE_SYMBOL, LAUNCH_LIMITS, LAUNCH_VOLATILITY, launchPairSpec } from './launch.js';
export { SNIPER_TICKS, sniperBuys, type SniperBuy } from './launch-snipers.js';
export { chooseRoute, routeOrder, slippageLimit, withinLimit, type RouteOptions } from './router.js';
export { buildRoute, DEFAULT_LEG_COST, findSplit, legCostOf, routeTotals, type QuoteAt, type SplitSearch } from './split-route.js';

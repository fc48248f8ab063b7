export * from './types.js';
export { PAIRS, findPair } from './pairs.js';
export { createMarket, MAX_TICKS_PER_ADVANCE, type LegOrder, type Market, type MarketOptions } from './market.js';
export { createMarketView, type MarketView } from './market-view.js';
export { chooseRoute, routeOrder, slippageLimit, withinLimit, type RouteOptions } from './router.js';
export { buildRoute, DEFAULT_LEG_COST, findSplit, legCostOf, routeTotals, type QuoteAt, type SplitSearch } from './split-route.js';

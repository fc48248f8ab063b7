import type { Dex, Side, WireQuote } from './wire-types.js';

/** The reply to a ticker subscribe: `ticker` messages for the pair follow, at most one per slot. */
export interface ChannelSubscribedMessage {
  readonly type: 'subscribed';
  readonly reqId?: string;
  readonly channel: 'ticker';
  readonly pair: string;
}

/** The reply to an unsubscribe: no more `ticker` messages for the pair on this socket. */
export interface UnsubscribedMessage {
  readonly type: 'unsubscribed';
  readonly reqId?: string;
  readonly channel: 'ticker';
  readonly pair: string;
}

/** One venue in a ticker: its mid price (QUOTE per BASE, before fees) and pool value (in QUOTE). */
export interface WireVenueTick {
  readonly dex: Dex;
  readonly mid: string;
  readonly liquidity: string;
}

/** A pair's market at one slot, as the chain published it. */
export interface TickerMessage {
  readonly type: 'ticker';
  readonly pair: string;
  readonly slot: number;
  readonly ts: number;
  /** The reference ("CEX") price the arbitrageurs trade the pools toward, QUOTE per BASE. */
  readonly reference: string;
  readonly venues: readonly WireVenueTick[];
}

/**
 * One leg of a route: `amount` BASE through `dex`; a buy pays `amountIn` QUOTE for it, a sell
 * receives `amountOut` QUOTE.
 */
export type WireRouteLeg =
  | { readonly dex: Dex; readonly amount: string; readonly amountIn: string }
  | { readonly dex: Dex; readonly amount: string; readonly amountOut: string };

/** The reply to `quote`: every venue's quote for the whole size and the route the engine would take now. */
export interface QuoteMessage {
  readonly type: 'quote';
  readonly reqId?: string;
  readonly pair: string;
  readonly side: Side;
  /** The size in BASE, as the request gave it. */
  readonly amount: string;
  /** The slot whose pools were quoted. */
  readonly slot: number;
  readonly quotes: readonly WireQuote[];
  readonly best: Dex | 'split';
  readonly route: readonly WireRouteLeg[];
  readonly ts: number;
}

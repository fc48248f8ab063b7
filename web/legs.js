// A route's legs as a list, for the quote panel and the blotter.

import { DEX_NAMES, formatAmount } from './format.js';

/** The legs of a split route, e.g. "Raydium 3,530.2557 SOL → 484,416.60 USDC". */
export function legList(route, side, base, quote) {
  const list = document.createElement('ul');
  list.className = 'legs';
  for (const leg of route) {
    const li = document.createElement('li');
    li.dataset.dex = leg.dex;
    const quoteAmount = side === 'buy' ? leg.amountIn : leg.amountOut;
    const money = quoteAmount ? ` ${side === 'buy' ? 'for' : '→'} ${formatAmount(quoteAmount, quote)} ${quote}` : '';
    li.textContent = `${DEX_NAMES[leg.dex] ?? leg.dex}: ${formatAmount(leg.amount, base)} ${base}${money}`;
    list.append(li);
  }
  return list;
}

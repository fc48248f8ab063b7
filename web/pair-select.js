// The pair selector of the order form: filled from the hello's symbols at first, then from
// `pairs` (with each token's decimals), keeping the trader's choice while it is still listed.

/**
 * @param {{ select: HTMLSelectElement, request: (message: object) => Promise<any>,
 *           onSelect: () => void, onUnits: () => void }} options
 *   `onSelect` when another pair is selected (by the trader or because the list changed),
 *   `onUnits` when the list changed under the same selection (the tokens' details may have).
 */
export function createPairSelect({ select, request, onSelect, onUnits }) {
  let pairs = [];
  select.addEventListener('change', onSelect);

  function setPairs(list) {
    pairs = list;
    const current = select.value;
    select.replaceChildren(
      ...list.map((pair) => {
        const option = document.createElement('option');
        option.value = pair.symbol;
        option.textContent = pair.symbol;
        return option;
      }),
    );
    if (list.some((pair) => pair.symbol === current)) select.value = current;
    if (select.value !== current) onSelect();
    else onUnits();
  }

  return {
    /** The pairs listed now, with their tokens. */
    list: () => pairs,
    /** The selected pair's symbol ('' before the list arrives). */
    get value() {
      return select.value;
    },
    /** The hello's symbols, until `pairs` has answered. */
    fromHello(symbols) {
      if (pairs.length === 0) setPairs(symbols.map((symbol) => pairFromSymbol(symbol)));
    },
    /** Asks the server for the pairs (a sniper's launch adds one). */
    async refresh() {
      const reply = await request({ op: 'pairs' }).catch(() => null);
      if (reply?.type === 'pairs') setPairs(reply.pairs);
    },
  };
}

function pairFromSymbol(symbol) {
  const [base, quote] = symbol.split('/');
  return { symbol, base: { symbol: base, decimals: base === 'SOL' ? 9 : 6 }, quote: { symbol: quote, decimals: 6 } };
}

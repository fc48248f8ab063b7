/** Formats a simulated amount with a token's decimals, rounded, never in exponent form. */
export function formatUnits(value: number, decimals: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot format ${value}`);
  return value.toFixed(Math.min(decimals, 20));
}

/** Formats a price (QUOTE per BASE) with enough significant digits for small-priced tokens. */
export function formatPrice(value: number, quoteDecimals: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot format ${value}`);
  const magnitude = value > 0 ? Math.floor(Math.log10(value)) : 0;
  const decimals = Math.max(quoteDecimals, 8 - magnitude);
  return value.toFixed(Math.min(decimals, 20));
}

/** Number of digits after the decimal point of a decimal string. */
export function decimalPlaces(text: string): number {
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : text.length - dot - 1;
}

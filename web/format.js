// Number and time formatting for the blotter: fixed decimals, never exponent form.

const DISPLAY_DECIMALS = { SOL: 4, JUP: 2, RAY: 3, USDC: 2, USDT: 2 };

/** Formats a decimal string for display with the token's display decimals. */
export function formatAmount(value, symbol) {
  if (value === undefined || value === null || value === '') return '';
  const number = Number(value);
  if (!Number.isFinite(number)) return String(value);
  const decimals = DISPLAY_DECIMALS[symbol] ?? 4;
  return number.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Formats a price (QUOTE per BASE) with at least 4 significant decimals. */
export function formatPrice(value) {
  if (value === undefined || value === null || value === '') return '';
  const number = Number(value);
  if (!Number.isFinite(number)) return String(value);
  const decimals = number >= 100 ? 4 : number >= 1 ? 5 : 6;
  return number.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** "5PEd…B3LC" */
export function shortHash(hash) {
  return hash && hash.length > 12 ? `${hash.slice(0, 4)}…${hash.slice(-4)}` : hash ?? '';
}

/** 850 → "850 ms", 2400 → "2.4 s" */
export function formatDuration(ms) {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '';
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatTime(ts) {
  return new Date(ts).toLocaleTimeString('en-GB', { hour12: false });
}

export const DEX_NAMES = { raydium: 'Raydium', meteora: 'Meteora' };

/** The venue an order went to, in words: a split route names both. */
export function routeName(dex) {
  return dex === 'split' ? 'Raydium and Meteora (split)' : DEX_NAMES[dex] ?? dex;
}

/**
 * IB tick types → quote fields (live ids 0-5, delayed ids 66-71). Pure, so the mapping is tested
 * without a socket. Numbers are IB's tick ids, not the client's enum, so nothing here depends on
 * how @stoqey/ib is loaded.
 */
import { Dec } from '../../core/money.ts';
import type { QuoteFields } from '../../core/marketdata/coalescer.ts';

type Field = keyof QuoteFields;

const PRICE_TICKS: Readonly<Record<number, Field>> = {
  1: 'bid',
  2: 'ask',
  4: 'last',
  66: 'bid',
  67: 'ask',
  68: 'last',
};
const SIZE_TICKS: Readonly<Record<number, Field>> = {
  0: 'bidSize',
  3: 'askSize',
  5: 'lastSize',
  69: 'bidSize',
  70: 'askSize',
  71: 'lastSize',
};

/** Whether the tick id belongs to IB's delayed range (the stream is delayed whatever was asked). */
export function isDelayedTick(tickType: number): boolean {
  return tickType >= 66 && tickType <= 76;
}

function decimalText(value: number): string | null | undefined {
  if (typeof value !== 'number' || Number.isNaN(value)) return undefined;
  // IB marks "no value" with -1 (a side without a quote) and unset with Double.MAX_VALUE.
  if (value < 0 || !Number.isFinite(value) || value >= 1.7e308) return null;
  return new Dec(String(value)).toFixed();
}

/** The quote field a tickPrice sets, or undefined for ticks the cache does not keep. */
export function priceTick(tickType: number, value: number): QuoteFields | undefined {
  const field = PRICE_TICKS[tickType];
  if (!field) return undefined;
  const text = decimalText(value);
  return text === undefined ? undefined : { [field]: text };
}

/** The quote field a tickSize sets (sizes may arrive as numbers or decimal objects). */
export function sizeTick(tickType: number | undefined, value: unknown): QuoteFields | undefined {
  if (tickType === undefined) return undefined;
  const field = SIZE_TICKS[tickType];
  if (!field) return undefined;
  const n =
    typeof value === 'number' ? value : value === undefined || value === null ? NaN : Number(String(value));
  const text = decimalText(n);
  return text === undefined ? undefined : { [field]: text };
}

/**
 * Error codes about a market-data request that are notices, not refusals: 10167 says delayed data
 * is shown instead (the ticks keep coming), 300 is a cancel of a request IB already dropped.
 */
export const MARKET_DATA_NOTICES: ReadonlySet<number> = new Set([
  10167, 10089, 10090, 10091, 300, 2104, 2106, 2158, 2119,
]);

/** IB's contract symbol for our ticker: share classes are written with a space (BRK.B → BRK B). */
export function ibSymbol(symbol: string): string {
  return symbol.replace('.', ' ');
}

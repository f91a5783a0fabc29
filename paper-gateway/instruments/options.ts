/**
 * Equity options on the universe's stocks: the chain reqSecDefOptParams lists (the next four
 * Friday and three monthly expirations, 21 strikes around the price) as tradable contracts with
 * OCC local symbols, conIds derived from them, multiplier 100, and prices that follow the
 * underlying: intrinsic value plus a simple time value.
 */
import { hashString, type SymbolSpec } from '../prices.ts';
import { eastern } from '../sessions.ts';

/** IB's market rule for US equity options (a cent under 3, 5 cents above; the book keeps cents). */
export const OPTION_MARKET_RULE_ID = 32;
const OPTION_CONID_BASE = 700_000_000;
const OPTION_CONID_SPAN = 200_000_000;
const DAY_MS = 86_400_000;
/** The annual volatility the time value assumes. */
const VOLATILITY = 0.3;

/** Option expirations offered: the next four Fridays and the next three monthly (third Friday) ones. */
export function expirations(now: number): string[] {
  const dates = new Set<string>();
  const today = eastern(now).date;
  const base = Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1, Number(today.slice(8, 10)));
  for (let i = 1; dates.size < 4; i++) {
    const d = new Date(base + i * DAY_MS);
    if (d.getUTCDay() === 5) dates.add(d.toISOString().slice(0, 10).replaceAll('-', ''));
  }
  for (let m = 1; m <= 3; m++) {
    const first = new Date(Date.UTC(new Date(base).getUTCFullYear(), new Date(base).getUTCMonth() + m, 1));
    const third = 1 + ((5 - first.getUTCDay() + 7) % 7) + 14;
    first.setUTCDate(third);
    dates.add(first.toISOString().slice(0, 10).replaceAll('-', ''));
  }
  return [...dates].sort();
}

/** The strike increment IB lists at a price. */
export function strikeIncrement(price: number): number {
  return price < 25 ? 0.5 : price < 200 ? 2.5 : 5;
}

/** The 21 strikes around a price. */
export function strikesAround(price: number): number[] {
  const increment = strikeIncrement(price);
  const centre = Math.round(price / increment) * increment;
  const strikes: number[] = [];
  for (let i = -10; i <= 10; i++) strikes.push(Number((centre + i * increment).toFixed(2)));
  return strikes.filter((s) => s > 0);
}

/** The OCC symbol IB shows as an option's localSymbol: root padded to 6, yymmdd, right, strike × 1000. */
export function occSymbol(root: string, expiry: string, right: 'C' | 'P', strike: number): string {
  return `${root.padEnd(6, ' ')}${expiry.slice(2)}${right}${String(Math.round(strike * 1000)).padStart(8, '0')}`;
}

/** A stable conId for an option, from its OCC symbol. */
export function optionConId(localSymbol: string): number {
  return OPTION_CONID_BASE + (hashString(localSymbol) % OPTION_CONID_SPAN);
}

/** Years from `now` to the expiry's close (16:00 New York, taken as 21:00 UTC), at least a day. */
function yearsTo(expiry: string, now: number): number {
  const close = Date.UTC(
    Number(expiry.slice(0, 4)),
    Number(expiry.slice(4, 6)) - 1,
    Number(expiry.slice(6, 8)),
    21,
  );
  return Math.max(close - now, DAY_MS) / (365 * DAY_MS);
}

/**
 * An option's price for an underlying price: intrinsic value plus a time value that is largest at
 * the money (about 0.4·σ·S·√T, Black-Scholes' at-the-money approximation) and fades away from it.
 */
export function optionPrice(underlying: number, strike: number, right: 'C' | 'P', years: number): number {
  const intrinsic = Math.max(0, right === 'C' ? underlying - strike : strike - underlying);
  const spread = VOLATILITY * underlying * Math.sqrt(years);
  const distance = (underlying - strike) / spread;
  const timeValue = 0.4 * spread * Math.exp(-(distance * distance) / 2);
  return Math.max(0.01, intrinsic + timeValue);
}

/** The option's universe entry; `price` is its value at the underlying's price now. */
export function optionSpec(
  stock: Pick<SymbolSpec, 'symbol' | 'conId' | 'primaryExch'>,
  expiry: string,
  strike: number,
  right: 'C' | 'P',
  underlyingPrice: number,
  now: number,
): SymbolSpec {
  const localSymbol = occSymbol(stock.symbol, expiry, right, strike);
  return {
    symbol: localSymbol,
    conId: optionConId(localSymbol),
    price: optionPrice(underlyingPrice, strike, right, yearsTo(expiry, now)),
    primaryExch: 'SMART',
    currency: 'USD',
    longName: `${stock.symbol} ${expiry} ${strike} ${right === 'C' ? 'Call' : 'Put'}`,
    tick: 0.01,
    maxSpreadTicks: 5,
    lotSize: 10,
    derivative: {
      secType: 'OPT',
      underlying: stock.symbol,
      exchange: 'SMART',
      lastTradeDate: expiry,
      strike,
      right,
      multiplier: 100,
      tradingClass: stock.symbol,
      ...(stock.conId ? { underlyingConId: stock.conId } : {}),
      minSize: 1,
      hours: 'stock',
      marketRuleId: OPTION_MARKET_RULE_ID,
    },
  };
}

/** The time value source of an option in the book: its price at the underlying's last price now. */
export function optionDerivation(
  spec: SymbolSpec,
  underlyingLast: () => number,
  now: () => number,
): () => number {
  const d = spec.derivative!;
  return () => optionPrice(underlyingLast(), d.strike!, d.right!, yearsTo(d.lastTradeDate!, now()));
}

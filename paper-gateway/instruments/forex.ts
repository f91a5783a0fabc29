/**
 * Currency pairs on IDEALPRO as IB lists them: secType CASH, symbol the base currency, currency
 * the quote currency, localSymbol `EUR.USD`, quoted in half pips (IB's default forex market rule),
 * sizes in units of the base currency, with IDEALPRO's minimum order size per pair (about USD
 * 25,000; smaller orders are odd lots IB sends to IDEAL, which this gateway does not simulate).
 */
import type { SymbolSpec } from '../prices.ts';

/** IB's market rule for IDEALPRO majors in half pips (USD.JPY's is 0.005). */
export const FOREX_MARKET_RULE_ID = 239;
export const FOREX_JPY_MARKET_RULE_ID = 240;

interface Pair {
  base: string;
  quote: string;
  conId: number;
  price: number;
  tick: number;
  minSize: number;
  longName: string;
}

/** IB's real contract ids for these pairs. */
const PAIRS: readonly Pair[] = [
  {
    base: 'EUR',
    quote: 'USD',
    conId: 12087792,
    price: 1.085,
    tick: 0.00005,
    minSize: 20_000,
    longName: 'European Monetary Union Euro',
  },
  {
    base: 'GBP',
    quote: 'USD',
    conId: 12087797,
    price: 1.27,
    tick: 0.00005,
    minSize: 20_000,
    longName: 'British pound',
  },
  {
    base: 'USD',
    quote: 'JPY',
    conId: 15016059,
    price: 150,
    tick: 0.005,
    minSize: 25_000,
    longName: 'US dollar',
  },
];

/** The universe's currency pairs. */
export function forexSpecs(): SymbolSpec[] {
  return PAIRS.map((p) => ({
    symbol: `${p.base}.${p.quote}`,
    conId: p.conId,
    price: p.price,
    primaryExch: 'IDEALPRO',
    currency: p.quote,
    longName: p.longName,
    tick: p.tick,
    maxSpreadTicks: 2,
    volatility: 0.0002,
    lotSize: 1_000_000,
    derivative: {
      secType: 'CASH' as const,
      underlying: p.base,
      exchange: 'IDEALPRO',
      multiplier: 1,
      tradingClass: `${p.base}.${p.quote}`,
      minSize: p.minSize,
      hours: 'idealpro' as const,
      marketRuleId: p.quote === 'JPY' ? FOREX_JPY_MARKET_RULE_ID : FOREX_MARKET_RULE_ID,
    },
  }));
}

/**
 * What makes a universe entry a derivative or a currency pair rather than a US stock: IB's
 * contract fields for it. A derivative's universe key (`SymbolSpec.symbol`) is its IB localSymbol
 * (`AAPL  261218C00190000`, `ESZ6`, `EUR.USD`), unique in the universe, so the book, the matching
 * engine and the accounts keep working per key while the wire carries IB's real contract.
 */
import type { Field } from '../framing.ts';

export type DerivativeSecType = 'OPT' | 'FUT' | 'CASH';

/** IB's contract terms of a derivative or currency pair. */
export interface DerivativeTerms {
  secType: DerivativeSecType;
  /** IB's `symbol`: the underlying (AAPL, ES) or the base currency (EUR of EUR.USD). */
  underlying: string;
  exchange: string;
  /** YYYYMMDD; absent for CASH. */
  lastTradeDate?: string;
  strike?: number;
  right?: 'C' | 'P';
  /** Contract value per unit of price: 100 for equity options, 50 for ES, 1 for forex. */
  multiplier: number;
  tradingClass: string;
  /** The underlying's contract id (options on a stock of the universe). */
  underlyingConId?: number;
  /** Smallest order size (IDEALPRO's minimum for a currency pair; 1 otherwise). */
  minSize: number;
  /** IB's trading hours shape of the product (CME Globex, IDEALPRO, the options' stock session). */
  hours: 'stock' | 'globex' | 'idealpro';
  /** IB's market rule id for the product's price increments. */
  marketRuleId: number;
}

/** The entry a contract field list is built from. */
export interface ContractSource {
  symbol: string;
  conId: number;
  currency: string;
  primaryExch: string;
  derivative?: DerivativeTerms;
}

/**
 * The eleven contract fields openOrder, execDetails, position and portfolioValue carry: conId,
 * symbol, secType, lastTradeDate, strike, right, multiplier, exchange, currency, localSymbol,
 * tradingClass.
 */
export function contractFields(spec: ContractSource, exchange?: string): Field[] {
  const d = spec.derivative;
  if (!d)
    return [
      spec.conId,
      spec.symbol,
      'STK',
      '',
      0,
      '',
      '',
      exchange ?? spec.primaryExch,
      spec.currency,
      spec.symbol,
      'NMS',
    ];
  return [
    spec.conId,
    d.underlying,
    d.secType,
    d.lastTradeDate ?? '',
    d.strike ?? 0,
    d.right ?? '',
    d.secType === 'CASH' ? '' : String(d.multiplier),
    exchange ?? d.exchange,
    spec.currency,
    spec.symbol,
    d.tradingClass,
  ];
}

/** The multiplier of an entry: 1 for stocks. */
export function multiplierOf(spec: { derivative?: DerivativeTerms }): number {
  return spec.derivative?.multiplier ?? 1;
}

/** A price as contract value: × the multiplier (stocks: the price itself). */
export function multiplied(price: number, derivative: DerivativeTerms | undefined): number {
  return derivative ? Number((price * derivative.multiplier).toPrecision(15)) : price;
}

/** Where a fill executes: the stock's listing venue, or the derivative's exchange (an option's CBOE). */
export function executionVenue(primaryExch: string, derivative: DerivativeTerms | undefined): string {
  if (derivative) return derivative.secType === 'OPT' ? 'CBOE' : derivative.exchange;
  return primaryExch === 'NYSE' ? 'NYSE' : primaryExch === 'ARCA' ? 'ARCA' : 'ISLAND';
}

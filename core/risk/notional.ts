/**
 * Notional of an order or a position in any instrument, in the tenant's base currency: quantity ×
 * price × multiplier, in the instrument's currency, converted at a cached exchange rate. Pure: the
 * rates come in as a table (built from the quotes of the CASH pairs the gateway streams); a
 * missing rate is `undefined`, never a guess, so the caller can deny with a clear reason.
 */
import { Dec } from '../money.ts';
import type { Instrument } from '../instruments/model.ts';

/** The base currency risk limits are in unless a tenant's limits say otherwise. */
export const DEFAULT_BASE_CURRENCY = 'USD';

/** Units of `to` per unit of `from`, keyed `FROM.TO` (IB's pair notation: EUR.USD = 1.085). */
export type RateTable = ReadonlyMap<string, Dec>;

/** A currency pair's last price, as the quote cache holds it. */
export interface PairQuote {
  instrument: Pick<Instrument, 'secType' | 'symbol' | 'currency'>;
  price: Dec;
}

/** The rate table of the CASH pairs among quotes (other instruments and non-positive prices are skipped). */
export function rateTable(quotes: readonly PairQuote[]): RateTable {
  const table = new Map<string, Dec>();
  for (const q of quotes) {
    if (q.instrument.secType !== 'CASH' || !q.price.gt(0)) continue;
    table.set(`${q.instrument.symbol}.${q.instrument.currency}`, q.price);
  }
  return table;
}

function direct(table: RateTable, from: string, to: string): Dec | undefined {
  const rate = table.get(`${from}.${to}`);
  if (rate) return rate;
  const inverse = table.get(`${to}.${from}`);
  return inverse ? new Dec(1).div(inverse) : undefined;
}

/**
 * Units of `to` per unit of `from`: 1 for the same currency, the pair or its inverse, else a cross
 * through USD (EUR → JPY = EUR.USD × USD.JPY); undefined when the table cannot say.
 */
export function fxRate(table: RateTable, from: string, to: string): Dec | undefined {
  if (from === to) return new Dec(1);
  const rate = direct(table, from, to);
  if (rate) return rate;
  if (from === 'USD' || to === 'USD') return undefined;
  const viaFrom = direct(table, from, 'USD');
  const viaTo = direct(table, 'USD', to);
  return viaFrom && viaTo ? viaFrom.mul(viaTo) : undefined;
}

/** Contract value per unit of price (1 without an instrument: a plain US stock). */
export function contractMultiplier(instrument: Pick<Instrument, 'multiplier'> | undefined): Dec {
  return new Dec(String(instrument?.multiplier ?? 1));
}

/** Notional in the instrument's own currency: |quantity| × price × multiplier. */
export function localNotional(
  quantity: Dec,
  price: Dec,
  instrument: Pick<Instrument, 'multiplier' | 'currency'> | undefined,
): { amount: Dec; currency: string } {
  return {
    amount: quantity.abs().mul(price).mul(contractMultiplier(instrument)),
    currency: instrument?.currency ?? 'USD',
  };
}

/**
 * Notional in the base currency, or undefined when no rate converts the instrument's currency.
 * Forex is the one kind whose quantity is itself money: 25,000 EUR.USD is 25,000 EUR, worth
 * 25,000 × EUR.USD in USD; its notional is quantity × price in the quote currency like any other.
 */
export function baseNotional(
  quantity: Dec,
  price: Dec,
  instrument: Pick<Instrument, 'multiplier' | 'currency'> | undefined,
  base: string,
  rates: RateTable,
): Dec | undefined {
  const local = localNotional(quantity, price, instrument);
  const rate = fxRate(rates, local.currency, base);
  return rate ? local.amount.mul(rate) : undefined;
}

/** Notional per unit of quantity in the base currency: what an order's reservation holds as unitPrice. */
export function baseUnitPrice(
  price: Dec,
  instrument: Pick<Instrument, 'multiplier' | 'currency'> | undefined,
  base: string,
  rates: RateTable,
): Dec | undefined {
  return baseNotional(new Dec(1), price, instrument, base, rates);
}

/** P&L of a price move on a quantity, in the instrument's currency: Δprice × quantity × multiplier. */
export function priceMovePnl(
  quantity: Dec,
  from: Dec,
  to: Dec,
  instrument: Pick<Instrument, 'multiplier'> | undefined,
): Dec {
  return to.minus(from).mul(quantity).mul(contractMultiplier(instrument));
}

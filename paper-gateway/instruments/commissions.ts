/**
 * IB's fixed pricing per kind of contract, as the gateway charges it, and the USD value of a
 * currency amount at the universe's own exchange rates.
 *
 * - US stocks: USD 0.005 per share, minimum USD 1.00, at most 1% of the trade value (accounts.ts).
 * - US equity and index options: USD 0.65 per contract (0.50 when the premium is 0.05 to 0.10,
 *   0.25 below 0.05), minimum USD 1.00 per order.
 * - CME futures: USD 0.85 per contract plus the exchange fee (E-mini: 1.38) and the NFA
 *   regulatory fee (0.02), 2.25 per contract in all.
 * - IDEALPRO forex: 0.2 basis points (0.00002) of the trade value, minimum USD 2.00 per order.
 */
import { Decimal } from 'decimal.js';
import { cumulativeCommission } from '../accounts.ts';
import type { PriceBook } from '../prices.ts';
import type { DerivativeTerms } from './terms.ts';

const OPTION_MINIMUM = new Decimal('1.00');
const FUTURE_PER_CONTRACT = new Decimal('2.25');
const FOREX_RATE = new Decimal('0.00002');
const FOREX_MINIMUM = new Decimal('2.00');

/** The option commission per contract for a premium. */
export function optionRate(premium: Decimal.Value): Decimal {
  const p = new Decimal(premium);
  if (p.lt('0.05')) return new Decimal('0.25');
  if (p.lt('0.10')) return new Decimal('0.50');
  return new Decimal('0.65');
}

/**
 * Commission (USD) owed for an order after `quantity` units worth `value` (price × quantity, in
 * the contract's currency, before the multiplier) have traded; `usdPerUnit` converts the
 * contract's currency to USD.
 */
export function commissionFor(
  derivative: DerivativeTerms | undefined,
  quantity: Decimal.Value,
  value: Decimal.Value,
  usdPerUnit: Decimal.Value = 1,
): Decimal {
  const q = new Decimal(quantity);
  if (q.isZero()) return new Decimal(0);
  if (!derivative) return cumulativeCommission(quantity, value);
  if (derivative.secType === 'OPT') {
    const premium = new Decimal(value).dividedBy(q);
    return Decimal.max(optionRate(premium).times(q), OPTION_MINIMUM).toDecimalPlaces(4);
  }
  if (derivative.secType === 'FUT') return FUTURE_PER_CONTRACT.times(q).toDecimalPlaces(4);
  const usdValue = new Decimal(value).times(usdPerUnit);
  return Decimal.max(FOREX_RATE.times(usdValue), FOREX_MINIMUM).toDecimalPlaces(4);
}

/** USD per unit of a currency at the universe's pairs (1 for USD, or when no pair quotes it). */
export function usdPerUnit(prices: PriceBook, currency: string): number {
  if (currency === 'USD') return 1;
  if (prices.has(`${currency}.USD`)) return prices.quote(`${currency}.USD`).last;
  if (prices.has(`USD.${currency}`)) return 1 / prices.quote(`USD.${currency}`).last;
  return 1;
}

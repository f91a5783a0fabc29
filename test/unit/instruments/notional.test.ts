/**
 * Risk math for instruments: notional with the multiplier, converted to the base currency at a
 * cached rate (direct, inverse, crossed through USD), and the P&L of a price move.
 */
import { describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { Dec } from '../../../core/money.ts';
import type { Instrument } from '../../../core/instruments/model.ts';
import {
  baseNotional,
  baseUnitPrice,
  fxRate,
  localNotional,
  priceMovePnl,
  rateTable,
} from '../../../core/risk/notional.ts';

const pair = (symbol: string, currency: string, price: string) => ({
  instrument: { secType: 'CASH' as const, symbol, currency },
  price: new Dec(price),
});
const RATES = rateTable([
  pair('EUR', 'USD', '1.08'),
  pair('USD', 'JPY', '150'),
  pair('GBP', 'USD', '1.25'),
  { instrument: { secType: 'STK' as const, symbol: 'AAPL', currency: 'USD' }, price: new Dec('190') },
]);

const option: Pick<Instrument, 'multiplier' | 'currency'> = { multiplier: 100, currency: 'USD' };
const future: Pick<Instrument, 'multiplier' | 'currency'> = { multiplier: 50, currency: 'USD' };
const euroStock: Pick<Instrument, 'multiplier' | 'currency'> = { multiplier: 1, currency: 'EUR' };
const yenFuture: Pick<Instrument, 'multiplier' | 'currency'> = { multiplier: 1000, currency: 'JPY' };

describe('notional', () => {
  it('multiplies quantity, price and multiplier in the instrument currency', () => {
    expect(localNotional(new Dec(1), new Dec('2.50'), option)).toEqual({
      amount: new Dec(250),
      currency: 'USD',
    });
    expect(localNotional(new Dec(-2), new Dec('5500.25'), future).amount.toFixed()).toBe('550025');
    expect(localNotional(new Dec(10), new Dec('190'), undefined)).toEqual({
      amount: new Dec(1900),
      currency: 'USD',
    });
  });

  it('converts to the base currency directly, by the inverse pair, and crossed through USD', () => {
    expect(baseNotional(new Dec(100), new Dec(50), euroStock, 'USD', RATES)?.toFixed()).toBe('5400');
    expect(baseNotional(new Dec(1), new Dec(38000), yenFuture, 'USD', RATES)?.toFixed(2)).toBe('253333.33');
    expect(fxRate(RATES, 'USD', 'EUR')?.toFixed(6)).toBe('0.925926');
    expect(fxRate(RATES, 'EUR', 'JPY')?.toFixed()).toBe('162');
    expect(fxRate(RATES, 'GBP', 'EUR')?.toFixed(6)).toBe('1.157407');
    expect(baseUnitPrice(new Dec('2.5'), option, 'EUR', RATES)?.toFixed(4)).toBe('231.4815');
  });

  it('is undefined, never a guess, when no rate converts the currency', () => {
    expect(fxRate(RATES, 'CHF', 'USD')).toBeUndefined();
    expect(
      baseNotional(new Dec(1), new Dec(1), { multiplier: 1, currency: 'CHF' }, 'USD', RATES),
    ).toBeUndefined();
    expect(fxRate(rateTable([]), 'USD', 'USD')?.toFixed()).toBe('1');
  });

  it('prices a move as Δprice × quantity × multiplier', () => {
    expect(priceMovePnl(new Dec(3), new Dec('2.50'), new Dec('3.10'), option).toFixed()).toBe('180');
    expect(priceMovePnl(new Dec(-2), new Dec(5500), new Dec(5510), future).toFixed()).toBe('-1000');
  });

  const positiveDecimal = (max: number) =>
    fc.integer({ min: 1, max: max * 100 }).map((n) => new Dec(n).div(100));
  const instrument = fc.record({
    multiplier: fc.constantFrom(1, 20, 50, 100, 1000),
    currency: fc.constantFrom('USD', 'EUR', 'JPY', 'GBP'),
  });

  it('property: base notional is linear in quantity and never negative', () => {
    fc.assert(
      fc.property(
        positiveDecimal(10_000),
        positiveDecimal(10_000),
        instrument,
        fc.constantFrom('USD', 'EUR'),
        (q, p, i, base) => {
          const one = baseNotional(q, p, i, base, RATES)!;
          const twice = baseNotional(q.mul(2), p, i, base, RATES)!;
          const short = baseNotional(q.neg(), p, i, base, RATES)!;
          expect(one.gt(0)).toBe(true);
          expect(twice.toFixed(20)).toBe(one.mul(2).toFixed(20));
          expect(short.eq(one)).toBe(true);
        },
      ),
    );
  });

  it('property: converting there and back is the identity (to 20 significant digits)', () => {
    fc.assert(
      fc.property(
        positiveDecimal(1_000_000),
        fc.constantFrom('USD', 'EUR', 'JPY', 'GBP'),
        fc.constantFrom('USD', 'EUR', 'JPY', 'GBP'),
        (amount, a, b) => {
          const there = amount.mul(fxRate(RATES, a, b)!);
          const back = there.mul(fxRate(RATES, b, a)!);
          expect(back.toSignificantDigits(20).eq(amount.toSignificantDigits(20))).toBe(true);
        },
      ),
    );
  });

  it('property: a limit in the base currency admits exactly the orders whose converted notional fits', () => {
    fc.assert(
      fc.property(
        positiveDecimal(100),
        positiveDecimal(1000),
        instrument,
        positiveDecimal(1_000_000),
        (q, p, i, limit) => {
          const notional = baseNotional(q, p, i, 'USD', RATES)!;
          const unit = baseUnitPrice(p, i, 'USD', RATES)!;
          // The reservation (quantity × unit price) is the notional the check saw: nothing slips past.
          expect(q.mul(unit).toSignificantDigits(30).eq(notional.toSignificantDigits(30))).toBe(true);
          expect(notional.lte(limit)).toBe(q.mul(unit).toSignificantDigits(30).lte(limit));
        },
      ),
    );
  });
});

/**
 * The seeded price path and the account arithmetic, pure.
 */
import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { Account, cumulativeCommission } from '../../../paper-gateway/accounts.ts';
import { DEFAULT_UNIVERSE, PriceBook } from '../../../paper-gateway/prices.ts';

describe('price path', () => {
  it('is the same for the same seed, different for another, and independent per symbol', () => {
    const walk = (seed: number, symbols: string[]) => {
      const book = new PriceBook(DEFAULT_UNIVERSE, seed);
      const out: number[] = [];
      for (let i = 0; i < 50; i++) for (const s of symbols) out.push(book.step(s).last);
      return out.filter((_, i) => i % symbols.length === 0);
    };
    expect(walk(5, ['AAPL'])).toEqual(walk(5, ['AAPL']));
    expect(walk(5, ['AAPL'])).not.toEqual(walk(6, ['AAPL']));
    // Stepping MSFT in between does not change AAPL's path.
    expect(walk(5, ['AAPL', 'MSFT'])).toEqual(walk(5, ['AAPL']));
  });

  it('keeps bid < ask, prices on the tick grid, sizes in whole lots, and volume summing last sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom(...DEFAULT_UNIVERSE.map((s) => s.symbol)),
        (seed, symbol) => {
          const book = new PriceBook(DEFAULT_UNIVERSE, seed);
          let volume = 0;
          for (let i = 0; i < 100; i++) {
            const q = book.step(symbol);
            volume += q.lastSize;
            expect(q.bid).toBeLessThan(q.ask);
            expect(
              book.onTick(symbol, q.bid) && book.onTick(symbol, q.ask) && book.onTick(symbol, q.last),
            ).toBe(true);
            expect(q.bidSize % 100).toBe(0);
            expect(q.askSize).toBeGreaterThan(0);
            expect(q.volume).toBe(volume);
            expect(q.high).toBeGreaterThanOrEqual(q.last);
            expect(q.low).toBeLessThanOrEqual(q.last);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('sets quotes directly and continues the path from the new last price', () => {
    const book = new PriceBook(DEFAULT_UNIVERSE, 1);
    expect(book.set('AAPL', { last: 150 })).toMatchObject({ last: 150, bid: 149.99, ask: 150.01 });
    expect(Math.abs(book.step('AAPL').last - 150)).toBeLessThan(5);
    expect(() => book.set('AAPL', { bid: -1 })).toThrow(/bad bid/);
    expect(() => book.quote('NOPE')).toThrow(/unknown symbol NOPE/);
  });
});

describe('commissions', () => {
  it('charges 0.005 per share with a 1.00 minimum and a 1% of value cap, per order', () => {
    expect(cumulativeCommission(100, 19000).toString()).toBe('1');
    expect(cumulativeCommission(1000, 190000).toString()).toBe('5');
    expect(cumulativeCommission(10, 20).toString()).toBe('0.2');
    expect(cumulativeCommission(0, 0).toString()).toBe('0');
  });
});

describe('account', () => {
  it('includes commissions in the average cost and realizes P&L net of them', () => {
    const a = new Account('DU1');
    expect(a.applyFill('X', 1, 'BUY', 100, 10, 1)).toBeNull();
    expect(a.position('X')?.avgCost.toString()).toBe('10.01');
    const realized = a.applyFill('X', 1, 'SELL', 40, 11, 1);
    expect(realized?.toString()).toBe(new Decimal(40).times('0.99').minus(1).toString());
    expect(a.position('X')?.quantity.toString()).toBe('60');
    expect(a.position('X')?.avgCost.toString()).toBe('10.01');
  });

  it('handles shorts and fills that go through zero', () => {
    const a = new Account('DU1');
    a.applyFill('X', 1, 'SELL', 100, 20, 1);
    expect(a.position('X')?.avgCost.toString()).toBe('19.99');
    // Buy 150: closes 100 short (with 2/3 of the fee) and opens 50 long with the rest.
    const realized = a.applyFill('X', 1, 'BUY', 150, 19, 1.5);
    expect(realized?.toString()).toBe(new Decimal('0.99').times(100).minus(1).toString());
    expect(a.position('X')?.quantity.toString()).toBe('50');
    expect(a.position('X')?.avgCost.toString()).toBe('19.01');
    expect(a.summary(() => 19).NetLiquidation).toBe(a.cash.plus(50 * 19).toFixed(2));
  });

  it('round-trips through JSON', () => {
    const a = new Account('DU1');
    a.applyFill('X', 1, 'BUY', 3, 10.5, 1);
    const b = Account.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(b.toJSON()).toEqual(a.toJSON());
  });
});

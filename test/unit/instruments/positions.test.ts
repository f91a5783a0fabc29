/**
 * Positions per instrument: the identity a derivative's fills are kept under, P&L with the
 * multiplier, marks with it, and the counters' exposure with it; stocks are unchanged.
 */
import { describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { Dec } from '../../../core/money.ts';
import { usStock, type Instrument } from '../../../core/instruments/model.ts';
import { positionSymbolOf, reportedPositionSymbol } from '../../../core/instruments/identity.ts';
import { applyFill, emptyPosition, markToMarket, positionView } from '../../../core/positions/position.ts';
import { positionContribution } from '../../../core/risk/exposure.ts';

const call: Instrument = {
  conId: 712345678,
  secType: 'OPT',
  symbol: 'AAPL',
  localSymbol: 'AAPL  260417C00190000',
  exchange: 'SMART',
  currency: 'USD',
  multiplier: 100,
  minTick: 0.01,
  lastTradeDate: '20260417',
  strike: 190,
  right: 'C',
  description: 'AAPL 20260417 190 Call',
};
const usdJpy: Instrument = {
  conId: 15016059,
  secType: 'CASH',
  symbol: 'USD',
  localSymbol: 'USD.JPY',
  exchange: 'IDEALPRO',
  currency: 'JPY',
  multiplier: 1,
  minTick: 0.005,
  description: 'USD.JPY',
};
const fill = (side: 'buy' | 'sell', quantity: string, price: string, execId: string) => ({
  execId,
  side,
  quantity: new Dec(quantity),
  price: new Dec(price),
  at: '2026-03-04T15:00:00.000Z',
});

describe('instrument positions', () => {
  it('keeps plain stocks under their symbol and everything else under its conId', () => {
    expect(positionSymbolOf({ symbol: 'AAPL' })).toBe('AAPL');
    expect(positionSymbolOf({ symbol: 'AAPL', instrument: usStock('AAPL', 265598) })).toBe('AAPL');
    expect(positionSymbolOf({ symbol: 'AAPL', instrument: call })).toBe('AAPL:712345678');
    expect(positionSymbolOf({ symbol: 'USD', instrument: usdJpy })).toBe('USD:15016059');
    expect(
      reportedPositionSymbol({ symbol: 'AAPL', secType: 'OPT', conId: 712345678, currency: 'USD' }),
    ).toBe('AAPL:712345678');
    expect(reportedPositionSymbol({ symbol: 'AAPL', secType: 'STK', conId: 265598, currency: 'USD' })).toBe(
      'AAPL',
    );
  });

  it('an option fill of 1 contract at 2.50 costs 250 and a 0.60 rise realizes 60 a contract', () => {
    const open = applyFill(
      emptyPosition('t', 'DU1', 'AAPL:712345678', 'now', call),
      fill('buy', '3', '2.50', 'e1'),
    );
    expect(open.position.averageCost.toFixed()).toBe('2.5');
    expect(positionContribution(open.position).exposure.toFixed()).toBe('750');
    expect(markToMarket(open.position, new Dec('3.10'))).toMatchObject({
      marketValue: new Dec(930),
      unrealizedPnl: new Dec(180),
    });
    const closed = applyFill(open.position, fill('sell', '1', '3.10', 'e2'));
    expect(closed.realized.toFixed()).toBe('60');
    const view = positionView(closed.position, new Dec('3.10'));
    expect(view).toMatchObject({
      symbol: 'AAPL:712345678',
      multiplier: '100',
      currency: 'USD',
      instrument: call,
    });
  });

  it('a stock position is as it was: no instrument in the view, P&L per share', () => {
    const open = applyFill(emptyPosition('t', 'DU1', 'IBM', 'now'), fill('buy', '10', '200', 'e1'));
    const closed = applyFill(open.position, fill('sell', '10', '201', 'e2'));
    expect(closed.realized.toFixed()).toBe('10');
    expect(positionView(closed.position, undefined)).not.toHaveProperty('instrument');
  });

  it('property: realized P&L is Δprice × closed quantity × multiplier, in the instrument currency', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.constantFrom(1, 20, 50, 100),
        (bought, sold, buyCents, sellCents, multiplier) => {
          const instrument = { ...call, multiplier };
          const open = applyFill(
            emptyPosition('t', 'a', 'k', 'now', instrument),
            fill('buy', String(bought), String(buyCents / 100), 'b'),
          );
          const closed = applyFill(open.position, fill('sell', String(sold), String(sellCents / 100), 's'));
          const closedQty = Math.min(bought, sold);
          const expected = new Dec(sellCents - buyCents).div(100).mul(closedQty).mul(multiplier);
          expect(closed.realized.eq(expected)).toBe(true);
        },
      ),
    );
  });
});

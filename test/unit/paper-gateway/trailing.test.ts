/**
 * TRAIL and GTD in the matching engine: the stop follows the market in the order's favour only,
 * triggers when the last price crosses it and then trades as a market order; a GTD order is
 * cancelled (no 202, as IB expires it) once the gateway's clock passes its goodTillDate.
 */
import { describe, expect, it } from '@jest/globals';
import { Account } from '../../../paper-gateway/accounts.ts';
import { MatchingEngine, validateNewOrder, type NewOrder } from '../../../paper-gateway/matching.ts';
import { PriceBook, type SymbolSpec } from '../../../paper-gateway/prices.ts';
import { parseGoodTillDate } from '../../../paper-gateway/trailing.ts';

const UNIVERSE: SymbolSpec[] = [{ symbol: 'TEST', conId: 1, price: 100, volatility: 0.004 }];

function setup() {
  const prices = new PriceBook(UNIVERSE, 1);
  let now = Date.UTC(2026, 0, 5, 15, 0, 0);
  let perm = 1;
  let exec = 0;
  const engine = new MatchingEngine({
    prices,
    account: () => new Account('DU1'),
    nextPermId: () => perm++,
    nextExecId: () => `e.${++exec}`,
    now: () => now,
    isRth: () => true,
  });
  const set = (last: number) => {
    prices.set('TEST', { last, bid: last - 0.01, ask: last + 0.01, bidSize: 500, askSize: 500 });
    return engine.onQuote('TEST');
  };
  return { prices, engine, set, advance: (ms: number) => (now += ms), now: () => now };
}

const base = (over: Partial<NewOrder>): NewOrder => ({
  orderId: 1,
  clientId: 1,
  account: 'DU1',
  symbol: 'TEST',
  action: 'SELL',
  totalQuantity: 10,
  orderType: 'TRAIL',
  lmtPrice: undefined,
  auxPrice: 1,
  tif: 'GTC',
  outsideRth: false,
  orderRef: 'oms-1',
  ...over,
});

describe('trailing stops (TRAIL)', () => {
  it('a sell stop rises with the market, never falls, and fills at the bid once crossed', () => {
    const { engine, set } = setup();
    set(100);
    const { order } = engine.submit(base({ auxPrice: 1 }));
    expect(order).toMatchObject({ status: 'PreSubmitted', trailStopPrice: 99 });
    set(102.5);
    expect(engine.get(order.key)).toMatchObject({ status: 'PreSubmitted', trailStopPrice: 101.5 });
    set(101.8); // a dip that does not reach the stop leaves it where it was
    expect(engine.get(order.key)).toMatchObject({ status: 'PreSubmitted', trailStopPrice: 101.5 });
    const events = set(101.4);
    const fills = events.filter((e) => e.kind === 'execution');
    expect(fills.map((e) => e.kind === 'execution' && e.execution.price)).toEqual([101.39]);
    expect(engine.get(order.key)).toMatchObject({ status: 'Filled', filled: 10, trailStopPrice: 101.5 });
  });

  it('a buy stop by percent falls with the market and starts from the initial stop given', () => {
    const { engine, set } = setup();
    set(100);
    const { order } = engine.submit(
      base({ action: 'BUY', auxPrice: undefined, trailingPercent: 2, trailStopPrice: 101.5 }),
    );
    expect(order).toMatchObject({ trailStopPrice: 101.5 });
    set(95); // 95 + 2% = 96.90
    expect(engine.get(order.key)).toMatchObject({ status: 'PreSubmitted', trailStopPrice: 96.9 });
    set(96.95);
    expect(engine.get(order.key)).toMatchObject({ status: 'Filled', avgFillPrice: 96.96 });
  });

  it('refuses a TRAIL order with both or neither of amount and percent', () => {
    const { prices } = setup();
    expect(validateNewOrder(base({ auxPrice: undefined }), prices)).toContain('trailing');
    expect(validateNewOrder(base({ auxPrice: 1, trailingPercent: 1 }), prices)).toContain('not both');
    expect(validateNewOrder(base({}), prices)).toBeUndefined();
  });
});

describe('good till date (GTD)', () => {
  it('works until its time, then is cancelled without a 202', () => {
    const { engine, set, advance, now } = setup();
    set(100);
    const { order } = engine.submit(
      base({
        orderType: 'LMT',
        auxPrice: undefined,
        lmtPrice: 90,
        action: 'BUY',
        tif: 'GTD',
        goodTillDate: now() + 60_000,
      }),
    );
    advance(59_000);
    expect(set(100.01).filter((e) => e.kind === 'status')).toEqual([]);
    advance(1_000);
    const events = set(100.02);
    expect(events.map((e) => e.kind)).toEqual(['status']);
    expect(engine.get(order.key)).toMatchObject({ status: 'Cancelled', completedStatus: 'Cancelled' });
  });

  it('reads goodTillDate as IB writes it', () => {
    expect(parseGoodTillDate('20260105 15:01:00 UTC')).toBe(Date.UTC(2026, 0, 5, 15, 1, 0));
    expect(parseGoodTillDate('20260105-15:01:00')).toBe(Date.UTC(2026, 0, 5, 15, 1, 0));
    expect(parseGoodTillDate('tomorrow')).toBeUndefined();
    const { prices } = setup();
    expect(validateNewOrder(base({ tif: 'GTD' }), prices)).toContain('goodTillDate');
  });
});

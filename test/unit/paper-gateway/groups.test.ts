/**
 * Attached orders and OCA groups in the matching engine: staged (transmit=false) orders are held
 * Inactive; children wait for their parent's fill and are cancelled with it; a fill of one OCA
 * member or attached sibling cancels (type 1) or reduces (types 2 and 3, brackets) the others.
 */
import { describe, expect, it } from '@jest/globals';
import { Account } from '../../../paper-gateway/accounts.ts';
import { MatchingEngine, type EngineEvent, type NewOrder } from '../../../paper-gateway/matching.ts';
import { PriceBook, type SymbolSpec } from '../../../paper-gateway/prices.ts';

const UNIVERSE: SymbolSpec[] = [{ symbol: 'TEST', conId: 1, price: 100, volatility: 0.004 }];

function setup() {
  const prices = new PriceBook(UNIVERSE, 1);
  let perm = 1;
  let exec = 0;
  const engine = new MatchingEngine({
    prices,
    account: () => new Account('DU1'),
    nextPermId: () => perm++,
    nextExecId: () => `e.${++exec}`,
    now: () => 0,
    isRth: () => true,
  });
  const set = (last: number, size = 500) => {
    prices.set('TEST', { last, bid: last - 0.01, ask: last + 0.01, bidSize: size, askSize: size });
    return engine.onQuote('TEST');
  };
  const status = (orderId: number) => engine.get(`1:${orderId}`)?.status;
  return { engine, set, status };
}

const order = (orderId: number, over: Partial<NewOrder>): NewOrder => ({
  orderId,
  clientId: 1,
  account: 'DU1',
  symbol: 'TEST',
  action: 'BUY',
  totalQuantity: 10,
  orderType: 'LMT',
  lmtPrice: 95,
  auxPrice: undefined,
  tif: 'GTC',
  outsideRth: false,
  orderRef: `oms-${orderId}`,
  ...over,
});

/** The bracket of IB's own sample: a buy entry, a take-profit sell limit and a stop-loss sell stop. */
function bracket(engine: MatchingEngine) {
  const parent = engine.submit(order(1, { staged: true }));
  const takeProfit = engine.submit(
    order(2, { action: 'SELL', lmtPrice: 105, parentKey: '1:1', staged: true }),
  );
  expect([parent.order.status, takeProfit.order.status]).toEqual(['Inactive', 'Inactive']);
  // The last child arrives with transmit=true; the handler transmits what was held, then submits it.
  const events = [...engine.transmit('1:1'), ...engine.transmit('1:2')];
  const stop = engine.submit(
    order(3, { action: 'SELL', orderType: 'STP', lmtPrice: undefined, auxPrice: 90, parentKey: '1:1' }),
  );
  return [...events, ...stop.events];
}

const cancelledWith202 = (events: EngineEvent[], orderId: number) =>
  events.some((e) => e.kind === 'error' && e.code === 202 && e.order.orderId === orderId);

describe('brackets', () => {
  it('the entry fills, the exits go live, the take-profit fills and the stop-loss is cancelled', () => {
    const { engine, set, status } = setup();
    set(100);
    bracket(engine);
    expect([status(1), status(2), status(3)]).toEqual(['Submitted', 'PreSubmitted', 'PreSubmitted']);

    set(94.99); // the entry fills at the ask (95.00)
    expect([status(1), status(2), status(3)]).toEqual(['Filled', 'Submitted', 'PreSubmitted']);
    expect(engine.get('1:2')).toMatchObject({ totalQuantity: 10 });

    const events = set(105.01); // the take-profit fills at the bid (105.00)
    expect([status(2), status(3)]).toEqual(['Filled', 'Cancelled']);
    expect(cancelledWith202(events, 3)).toBe(true);
    expect(engine.executions().map((e) => [e.orderId, e.side, e.shares, e.price])).toEqual([
      [1, 'BOT', 10, 95],
      [2, 'SLD', 10, 105],
    ]);
  });

  it('a partial exit reduces the other exit by what filled', () => {
    const { engine, set, status } = setup();
    set(100);
    bracket(engine);
    set(94.99);
    set(105.01, 4); // only 4 shown at the bid
    expect(status(2)).toBe('Submitted');
    expect(engine.get('1:3')).toMatchObject({ status: 'PreSubmitted', totalQuantity: 6 });
  });

  it('cancelling the parent before it fills cancels its children', () => {
    const { engine, set, status } = setup();
    set(100);
    bracket(engine);
    engine.beginCancel('1:1');
    const events = engine.finishCancel('1:1', '');
    expect([status(1), status(2), status(3)]).toEqual(['Cancelled', 'Cancelled', 'Cancelled']);
    expect(cancelledWith202(events, 2) && cancelledWith202(events, 3)).toBe(true);
    expect(engine.executions()).toEqual([]);
  });

  it('a held order never trades until transmitted', () => {
    const { engine, set, status } = setup();
    set(100);
    engine.submit(order(7, { orderType: 'MKT', lmtPrice: undefined, staged: true }));
    set(100.5);
    expect(status(7)).toBe('Inactive');
    engine.transmit('1:7');
    expect(status(7)).toBe('Filled');
  });
});

describe('OCA groups', () => {
  const exits = (engine: MatchingEngine, ocaType: number) => {
    engine.submit(order(1, { action: 'SELL', lmtPrice: 105, ocaGroup: 'g', ocaType }));
    engine.submit(
      order(2, {
        action: 'SELL',
        orderType: 'STP',
        lmtPrice: undefined,
        auxPrice: 90,
        ocaGroup: 'g',
        ocaType,
      }),
    );
  };

  it('type 1: a fill cancels the other members', () => {
    const { engine, set, status } = setup();
    set(100);
    exits(engine, 1);
    set(105.01, 3);
    expect([status(1), status(2)]).toEqual(['Submitted', 'Cancelled']);
  });

  it('types 2 and 3: a fill reduces the others, and a full fill ends them', () => {
    for (const ocaType of [2, 3]) {
      const { engine, set, status } = setup();
      set(100);
      exits(engine, ocaType);
      set(105.01, 3);
      expect(engine.get('1:2')).toMatchObject({ status: 'PreSubmitted', totalQuantity: 7 });
      set(105.02, 500);
      expect([status(1), status(2)]).toEqual(['Filled', 'Cancelled']);
    }
  });
});

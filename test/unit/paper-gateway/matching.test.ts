/**
 * The matching engine against the seeded price path: every order type × time in force × side,
 * small and large, checked against an independent statement of the fill rules walked over an
 * identical copy of the path.
 */
import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { Account, STARTING_CASH } from '../../../paper-gateway/accounts.ts';
import { MatchingEngine, validateNewOrder, type NewOrder } from '../../../paper-gateway/matching.ts';
import { PriceBook, type Quote, type SymbolSpec } from '../../../paper-gateway/prices.ts';
import type { SimulatedOrderType, SimulatedTif } from '../../../paper-gateway/decoder.ts';

const UNIVERSE: SymbolSpec[] = [{ symbol: 'TEST', conId: 1, price: 100, volatility: 0.004 }];
const SEED = 42;
const STEPS = 6;

function setup(rth = true) {
  const prices = new PriceBook(UNIVERSE, SEED);
  const account = new Account('DU1');
  let perm = 1000;
  let exec = 0;
  let session = rth;
  const engine = new MatchingEngine({
    prices,
    account: () => account,
    nextPermId: () => perm++,
    nextExecId: () => `e.${++exec}`,
    now: () => 0,
    isRth: () => session,
  });
  return { prices, account, engine, setRth: (v: boolean) => (session = v) };
}

/** The path the engine will see: the quote at placement, then one per step. */
function path(steps: number): Quote[] {
  const book = new PriceBook(UNIVERSE, SEED);
  const quotes = [book.quote('TEST')];
  for (let i = 0; i < steps; i++) quotes.push(book.step('TEST'));
  return quotes;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Prices chosen from the path so that every order type has something to do within STEPS. */
function pricesFor(
  type: SimulatedOrderType,
  side: 'BUY' | 'SELL',
  quotes: Quote[],
): { lmtPrice?: number; auxPrice?: number } {
  const later = quotes.slice(1);
  const lasts = later.map((q) => q.last);
  if (type === 'MKT') return {};
  if (type === 'LMT') {
    // Marketable on the best quote of the path, not necessarily at placement.
    return {
      lmtPrice: side === 'BUY' ? Math.min(...later.map((q) => q.ask)) : Math.max(...later.map((q) => q.bid)),
    };
  }
  const auxPrice = side === 'BUY' ? round2(Math.max(...lasts) - 0.01) : round2(Math.min(...lasts) + 0.01);
  if (type === 'STP') return { auxPrice };
  return { auxPrice, lmtPrice: side === 'BUY' ? round2(auxPrice + 0.5) : round2(auxPrice - 0.5) };
}

interface ExpectedFill {
  shares: number;
  price: number;
}

/** The fill rules, stated independently of the engine. */
function oracle(
  type: SimulatedOrderType,
  tif: SimulatedTif,
  side: 'BUY' | 'SELL',
  qty: number,
  px: { lmtPrice?: number; auxPrice?: number },
  quotes: Quote[],
): ExpectedFill[] {
  const fills: ExpectedFill[] = [];
  let remaining = qty;
  let triggered = type === 'MKT' || type === 'LMT';
  const limited = type === 'LMT' || type === 'STP LMT';
  for (const [i, q] of quotes.entries()) {
    if (i > 0 && (tif === 'IOC' || tif === 'FOK')) break;
    if (remaining === 0) break;
    if (!triggered && px.auxPrice !== undefined)
      triggered = side === 'BUY' ? q.last >= px.auxPrice : q.last <= px.auxPrice;
    if (!triggered) continue;
    const price = side === 'BUY' ? q.ask : q.bid;
    const size = side === 'BUY' ? q.askSize : q.bidSize;
    if (limited && px.lmtPrice !== undefined && (side === 'BUY' ? price > px.lmtPrice : price < px.lmtPrice))
      continue;
    if (tif === 'FOK' && size < remaining) continue;
    const shares = Math.min(size, remaining);
    fills.push({ shares, price });
    remaining -= shares;
  }
  return fills;
}

const TYPES: SimulatedOrderType[] = ['MKT', 'LMT', 'STP', 'STP LMT'];
const TIFS: SimulatedTif[] = ['DAY', 'GTC', 'IOC', 'FOK'];
const cases = TYPES.flatMap((type) =>
  TIFS.flatMap((tif) =>
    (['BUY', 'SELL'] as const).flatMap((side) => [100, 2000].map((qty) => ({ type, tif, side, qty }))),
  ),
);

describe('order type × time in force against the seeded path', () => {
  it.each(cases)('$type $tif $side $qty', ({ type, tif, side, qty }) => {
    const quotes = path(STEPS);
    const px = pricesFor(type, side, quotes);
    const { engine, prices, account } = setup();
    const input: NewOrder = {
      orderId: 1,
      clientId: 1,
      account: 'DU1',
      symbol: 'TEST',
      action: side,
      totalQuantity: qty,
      orderType: type,
      lmtPrice: px.lmtPrice,
      auxPrice: px.auxPrice,
      tif,
      outsideRth: false,
      orderRef: 'x',
    };
    expect(validateNewOrder(input, prices)).toBeUndefined();
    const { order } = engine.submit(input);
    for (let i = 0; i < STEPS; i++) {
      prices.step('TEST');
      engine.onQuote('TEST');
    }
    const expected = oracle(type, tif, side, qty, px, quotes);
    const fills = engine.executions().map((e) => ({ shares: e.shares, price: e.price }));
    expect(fills).toEqual(expected);

    const filled = expected.reduce((s, f) => s + f.shares, 0);
    const final = engine.get(order.key);
    expect(final?.filled).toBe(filled);
    if (tif === 'IOC' || tif === 'FOK') {
      expect(final?.status).toBe(filled === qty ? 'Filled' : 'Cancelled');
      if (tif === 'FOK') expect([0, qty]).toContain(filled);
    } else {
      expect(final?.status).toBe(
        filled === qty
          ? 'Filled'
          : type.startsWith('STP') && !final?.triggered
            ? 'PreSubmitted'
            : 'Submitted',
      );
      // Session end: DAY expires, GTC survives and completes on later quotes.
      engine.expireDayOrders();
      if (filled < qty) {
        expect(engine.get(order.key)?.status).toBe(tif === 'DAY' ? 'Cancelled' : final?.status);
      }
      if (tif === 'GTC' && type === 'MKT') {
        for (let i = 0; i < 20 && engine.isWorking(order); i++) {
          prices.step('TEST');
          engine.onQuote('TEST');
        }
        expect(engine.get(order.key)?.status).toBe('Filled');
      }
    }
    // Partial fills add up, and the position is the sum of the fills.
    const all = engine.executions();
    expect(all.reduce((s, e) => s + e.shares, 0)).toBe(engine.get(order.key)?.filled);
    expect(all.at(-1)?.cumQty ?? 0).toBe(engine.get(order.key)?.filled);
    const signed = all.reduce((s, e) => s + (e.side === 'BOT' ? e.shares : -e.shares), 0);
    expect(account.position('TEST')?.quantity.toNumber() ?? 0).toBe(signed);
  });

  it('covers fills in most combinations (the chosen prices are reached by the path)', () => {
    const quotes = path(STEPS);
    const withFills = cases.filter(
      ({ type, tif, side, qty }) =>
        oracle(type, tif, side, qty, pricesFor(type, side, quotes), quotes).length > 0,
    );
    expect(withFills.length).toBeGreaterThanOrEqual(cases.length / 2);
    for (const type of TYPES) expect(withFills.some((c) => c.type === type && c.tif === 'DAY')).toBe(true);
    // Large orders take several quotes: partial fills.
    expect(
      cases
        .filter((c) => c.qty === 2000 && c.type === 'MKT' && (c.tif === 'DAY' || c.tif === 'GTC'))
        .every(
          (c) => oracle(c.type, c.tif, c.side, c.qty, pricesFor(c.type, c.side, quotes), quotes).length > 1,
        ),
    ).toBe(true);
  });
});

describe('sessions', () => {
  it('holds a market order outside regular hours and works an outsideRth limit order', () => {
    const { engine, prices, setRth } = setup(false);
    const q = prices.quote('TEST');
    const mkt = engine.submit({
      orderId: 1,
      clientId: 1,
      account: 'DU1',
      symbol: 'TEST',
      action: 'BUY',
      totalQuantity: 100,
      orderType: 'MKT',
      lmtPrice: undefined,
      auxPrice: undefined,
      tif: 'DAY',
      outsideRth: true,
      orderRef: '',
    }).order;
    const lmt = engine.submit({
      orderId: 2,
      clientId: 1,
      account: 'DU1',
      symbol: 'TEST',
      action: 'BUY',
      totalQuantity: 100,
      orderType: 'LMT',
      lmtPrice: q.ask,
      auxPrice: undefined,
      tif: 'DAY',
      outsideRth: true,
      orderRef: '',
    }).order;
    expect(engine.get(mkt.key)?.status).toBe('PreSubmitted');
    expect(engine.get(lmt.key)?.status).toBe('Filled');
    setRth(true);
    engine.onSessionChange();
    expect(engine.get(mkt.key)?.status).toBe('Filled');
  });

  it('emits the IB status sequence for a marketable order, the final Filled repeated by the server', () => {
    const { engine } = setup();
    const { events } = engine.submit({
      orderId: 1,
      clientId: 1,
      account: 'DU1',
      symbol: 'TEST',
      action: 'BUY',
      totalQuantity: 100,
      orderType: 'MKT',
      lmtPrice: undefined,
      auxPrice: undefined,
      tif: 'DAY',
      outsideRth: false,
      orderRef: '',
    });
    expect(events.map((e) => (e.kind === 'status' ? e.order.status : e.kind))).toEqual([
      'PendingSubmit',
      'PreSubmitted',
      'Submitted',
      'execution',
      'Filled',
    ]);
  });

  it('lets an order fill while PendingCancel', () => {
    const { engine, prices } = setup();
    const q = prices.quote('TEST');
    const { order } = engine.submit({
      orderId: 1,
      clientId: 1,
      account: 'DU1',
      symbol: 'TEST',
      action: 'BUY',
      totalQuantity: 100,
      orderType: 'LMT',
      lmtPrice: round2(q.bid - 1),
      auxPrice: undefined,
      tif: 'GTC',
      outsideRth: false,
      orderRef: '',
    });
    engine.beginCancel(order.key);
    const events = engine.forceFill(order.key);
    expect(events.map((e) => (e.kind === 'status' ? e.order.status : e.kind))).toEqual([
      'execution',
      'Filled',
    ]);
    expect(engine.executions()[0]?.price).toBe(round2(q.bid - 1));
  });
});

describe('positions and P&L match the executions', () => {
  it('keeps net liquidation − start = realized + unrealized, and position = Σ fills, for any order sequence', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            side: fc.constantFrom('BUY' as const, 'SELL' as const),
            qty: fc.integer({ min: 1, max: 900 }),
            steps: fc.integer({ min: 0, max: 3 }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        (orders) => {
          const { engine, prices, account } = setup();
          orders.forEach((o, i) => {
            engine.submit({
              orderId: i + 1,
              clientId: 1,
              account: 'DU1',
              symbol: 'TEST',
              action: o.side,
              totalQuantity: o.qty,
              orderType: 'MKT',
              lmtPrice: undefined,
              auxPrice: undefined,
              tif: 'GTC',
              outsideRth: false,
              orderRef: '',
            });
            for (let s = 0; s < o.steps; s++) {
              prices.step('TEST');
              engine.onQuote('TEST');
            }
          });
          const executions = engine.executions();
          const signed = executions.reduce(
            (s, e) => s.plus(e.side === 'BOT' ? e.shares : -e.shares),
            new Decimal(0),
          );
          const pos = account.position('TEST');
          expect(pos?.quantity.toString()).toBe(signed.toString());
          const commissions = executions.reduce((s, e) => s.plus(e.commission), new Decimal(0));
          const flows = executions.reduce(
            (s, e) => s.plus(new Decimal(e.shares).times(e.price).times(e.side === 'BOT' ? -1 : 1)),
            new Decimal(0),
          );
          expect(account.cash.toString()).toBe(STARTING_CASH.plus(flows).minus(commissions).toString());
          const realizedFromReports = executions.reduce(
            (s, e) => (e.realizedPnl === null ? s : s.plus(e.realizedPnl)),
            new Decimal(0),
          );
          expect(realizedFromReports.toString()).toBe(account.realizedPnl().toString());
          const mark = new Decimal(prices.quote('TEST').last);
          const unrealized = pos ? mark.minus(pos.avgCost).times(pos.quantity) : new Decimal(0);
          const total = account.cash.plus(signed.times(mark)).minus(STARTING_CASH);
          expect(total.minus(account.realizedPnl()).minus(unrealized).abs().lessThan('1e-9')).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import {
  applyCommissionReport,
  applyExecution,
  applyTransition,
  awaitedFillsArrived,
  brokerStep,
  cancelHere,
  claimRoute,
  settleAction,
  type ExecutionReport,
} from '../../../core/bridge/apply.ts';
import type { StoredFill } from '../../../core/bridge/records.ts';
import { decideOnStatus } from '../../../core/bridge/mapping.ts';
import type { BrokerOrderId, BrokerPermId } from '../../../core/ids.ts';
import { Dec, ZERO } from '../../../core/money.ts';
import type { Order } from '../../../core/orders/order.ts';
import { emptyPosition, type Position } from '../../../core/positions/position.ts';
import { counterDelta } from '../../../core/risk/exposure.ts';

const NOW = '2026-03-02T15:00:00.000Z';

const order = (o: Partial<Order> = {}): Order =>
  ({
    id: '01J0000000000000000000000A',
    tenantId: 't1',
    symbol: 'AAPL',
    side: 'buy',
    quantity: new Dec(10),
    type: 'limit',
    limitPrice: new Dec(100),
    timeInForce: 'day',
    outsideRth: false,
    status: 'submitted',
    filledQuantity: ZERO,
    reservation: { quantity: new Dec(10), unitPrice: new Dec(100) },
    brokerOrderId: 5 as BrokerOrderId,
    brokerPermId: 77 as BrokerPermId,
    createdAt: NOW,
    updatedAt: NOW,
    version: 3,
    ...o,
  }) as Order;

const exec = (e: Partial<ExecutionReport> = {}): ExecutionReport => ({
  execId: 'E1',
  side: 'buy',
  quantity: new Dec(4),
  price: new Dec('99.5'),
  at: '2026-03-02T14:59:59.000Z',
  account: 'DU1',
  brokerOrderId: 5,
  ...e,
});

describe('applyExecution', () => {
  it('moves the order, the position, the day P&L, the counters and the house position in one outcome', () => {
    const out = applyExecution(order(), undefined, exec({ commission: new Dec('0.35') }), NOW, 9);
    expect(out.before.version).toBe(3);
    expect(out.order).toMatchObject({ status: 'partially_filled', version: 4 });
    expect(out.order.filledQuantity.toFixed()).toBe('4');
    expect(out.order.averageFillPrice?.toFixed()).toBe('99.5');
    expect(out.orderEvent).toMatchObject({ type: 'order.partially_filled', seq: 4, actor: 'broker' });
    expect(out.orderEvent.data.fill).toMatchObject({ execId: 'E1', quantity: '4', price: '99.5' });
    expect(out.positionVersion).toBe(0);
    expect(out.position.quantity.toFixed()).toBe('4');
    expect(out.position.commissions.toFixed()).toBe('0.35');
    expect(out.position.realizedPnl.toFixed()).toBe('-0.35');
    expect(out.positionEvent).toMatchObject({ seq: 1, cause: { kind: 'fill', execId: 'E1' } });
    expect(out.fill).toMatchObject({
      execId: 'E1',
      orderId: order().id,
      day: '2026-03-02',
      brokerOrderId: 5,
    });
    expect(out.pnlChange).toMatchObject({ day: '2026-03-02', fills: 1, symbol: 'AAPL' });
    expect(out.pnlChange.commission.toFixed()).toBe('0.35');
    expect(out.pnlChange.bought.toFixed()).toBe('4');
    expect(out.house.quantity.toFixed()).toBe('4');
    // The reservation's filled part leaves the order's share; the position's share takes it.
    const expected = counterDelta(
      { order: order(), position: undefined },
      { order: out.order, position: out.position },
    );
    expect(out.counters?.delta.exposure.toFixed()).toBe(expected.exposure.toFixed());
    expect(out.counters?.delta.openOrders).toBe(0);
    expect(out.endsWorking).toBeUndefined();
  });

  it('the last fill ends the order and takes it off the working list', () => {
    const out = applyExecution(order(), undefined, exec({ quantity: new Dec(10) }), NOW, 9);
    expect(out.order.status).toBe('filled');
    expect(out.orderEvent.type).toBe('order.filled');
    expect(out.counters?.delta.openOrders).toBe(-1);
    expect(out.endsWorking).toEqual({ clientId: 9, orderId: order().id });
  });

  it('a fill after the order ended amends it: the status stays, the event says so', () => {
    const cancelled = order({ status: 'cancelled', filledQuantity: new Dec(2) });
    const out = applyExecution(cancelled, undefined, exec({ quantity: new Dec(3) }), NOW, 9);
    expect(out.order.status).toBe('cancelled');
    expect(out.order.version).toBe(4);
    expect(out.order.filledQuantity.toFixed()).toBe('5');
    expect(out.orderEvent.data.fill).toMatchObject({ afterEnd: true });
    expect(out.endsWorking).toBeUndefined();
    // An ended order holds no reservation: only the position moves the counters.
    expect(out.counters?.delta.openOrders).toBe(0);
    expect(out.counters?.delta.position.toFixed()).toBe('3');
  });

  it('a partial fill of an order being cancelled keeps it pending_cancel', () => {
    const out = applyExecution(
      order({ status: 'pending_cancel', previousStatus: 'submitted' }),
      undefined,
      exec(),
      NOW,
    );
    expect(out.order.status).toBe('pending_cancel');
    expect(out.orderEvent.type).toBe('order.partially_filled');
  });

  it('a sale against a long position realizes P&L', () => {
    const long: Position = {
      ...emptyPosition('t1', 'DU1', 'AAPL', NOW),
      quantity: new Dec(10),
      averageCost: new Dec(90),
      fills: 1,
      version: 1,
    };
    const sell = order({ side: 'sell' });
    const out = applyExecution(sell, long, exec({ side: 'sell', price: new Dec(100) }), NOW);
    expect(out.positionVersion).toBe(1);
    expect(out.fill.realizedPnl.toFixed()).toBe('40');
    expect(out.pnlChange.realized.toFixed()).toBe('40');
    expect(out.pnlChange.sold.toFixed()).toBe('4');
    expect(out.house.quantity.toFixed()).toBe('-4');
  });
});

describe('applyCommissionReport', () => {
  const fill: StoredFill = {
    tenantId: 't1',
    execId: 'E1',
    orderId: order().id,
    account: 'DU1',
    symbol: 'AAPL',
    side: 'buy',
    quantity: new Dec(4),
    price: new Dec('99.5'),
    at: NOW,
    day: '2026-03-02',
  };
  const position = { ...emptyPosition('t1', 'DU1', 'AAPL', NOW), quantity: new Dec(4), version: 1 };

  it('charges the position and the day the fill traded', () => {
    const out = applyCommissionReport(fill, position, new Dec('0.5'), '2026-03-03T10:00:00.000Z');
    expect(out?.positionVersion).toBe(1);
    expect(out?.position.version).toBe(2);
    expect(out?.position.realizedPnl.toFixed()).toBe('-0.5');
    expect(out?.pnlChange).toMatchObject({ day: '2026-03-02', fills: 0 });
    expect(out?.positionEvent.cause).toEqual({ kind: 'commission', execId: 'E1', orderId: fill.orderId });
  });

  it('does nothing without a position to charge', () => {
    expect(applyCommissionReport(fill, undefined, new Dec(1), NOW)).toBeUndefined();
  });

  it('does nothing for a fill charged already', () => {
    expect(
      applyCommissionReport({ ...fill, commission: new Dec(1) }, position, new Dec(1), NOW),
    ).toBeUndefined();
  });
});

describe('order changes', () => {
  it('claimRoute amends the order with its IB order id and names the route', () => {
    const claim = claimRoute(order({ status: 'pending_new', brokerOrderId: undefined }), 42, 9, NOW, 7);
    expect(claim.order).toMatchObject({ status: 'pending_new', brokerOrderId: 42, version: 4 });
    expect(claim.event).toMatchObject({ type: 'order.routed', actor: 'system:bridge' });
    expect(claim.event.data).toMatchObject({ brokerOrderId: 42, clientId: 9, replacesBrokerOrderId: 7 });
    expect(claim.route).toEqual({ tenantId: 't1', orderId: order().id, clientId: 9, brokerOrderId: 42 });
  });

  it('applyTransition releases the reservation of an order that ends', () => {
    const decision = decideOnStatus(order(), { status: 'Cancelled', reason: { code: 202, message: 'gone' } });
    if (decision.kind !== 'transition') throw new Error('expected a transition');
    const change = applyTransition(order(), decision, NOW, { clientId: 9 });
    expect(change.order.status).toBe('cancelled');
    expect(change.event).toMatchObject({ type: 'order.cancelled', reason: 'gone', actor: 'broker' });
    expect(change.counters?.delta.openOrders).toBe(-1);
    expect(change.counters?.delta.exposure.toFixed()).toBe('-1000');
    expect(change.endsWorking).toEqual({ clientId: 9, orderId: order().id });
  });

  it('a transition that keeps the order working moves no counters', () => {
    const decision = decideOnStatus(order({ status: 'pending_new' }), { status: 'Submitted' });
    if (decision.kind !== 'transition') throw new Error('expected a transition');
    const change = applyTransition(order({ status: 'pending_new' }), decision, NOW);
    expect(change.counters).toBeUndefined();
    expect(change.endsWorking).toBeUndefined();
  });

  it('cancelHere is the bridge cancelling on its own', () => {
    const change = cancelHere(
      order({ status: 'pending_cancel', previousStatus: 'submitted' }),
      'why',
      NOW,
      9,
    );
    expect(change.order).toMatchObject({ status: 'cancelled', previousStatus: undefined });
    expect(change.event).toMatchObject({ actor: 'system:bridge', reason: 'why' });
  });
});

describe('settling and broker steps', () => {
  it.each([
    ['an ended order', { status: 'filled' }, false, 'forget'],
    ['an order the broker holds', {}, true, 'none'],
    ['an order claimed and never sent', { brokerPermId: undefined }, false, 'place'],
    [
      'a cancel of an order never sent',
      { brokerPermId: undefined, status: 'pending_cancel' },
      false,
      'cancel',
    ],
    ['an order the broker dropped', {}, false, 'cancel'],
  ] as const)('settles %s: %j, at the broker %s → %s', (_what, o, atBroker, kind) => {
    expect(settleAction(order(o as Partial<Order>), atBroker).kind).toBe(kind);
  });

  it('says why a settled order was cancelled', () => {
    expect(settleAction(order(), false)).toEqual({
      kind: 'cancel',
      reason: 'The broker no longer has this order',
    });
    expect(settleAction(order({ brokerPermId: undefined, status: 'pending_cancel' }), false)).toEqual({
      kind: 'cancel',
      reason: 'Cancelled before it reached the broker',
    });
  });

  it.each([
    ['check_broker', true, 'skip'],
    ['check_broker', false, 'place_again'],
    ['cancel', true, 'send_cancel'],
    ['cancel', false, 'settle'],
    ['modify', true, 'send_modify'],
    ['modify', false, 'place_again'],
  ] as const)('%s with the broker holding it %s → %s', (action, atBroker, step) => {
    expect(brokerStep(action, atBroker)).toBe(step);
  });

  it('missing fills have arrived once the order has the quantity the broker reported', () => {
    expect(awaitedFillsArrived(order({ filledQuantity: new Dec(4) }), new Dec(4))).toBe(true);
    expect(awaitedFillsArrived(order({ filledQuantity: new Dec(3) }), new Dec(4))).toBe(false);
  });
});

// ------------------------------------------------------------------ property: fills in any order

/** A fill of the generated order and its commission. */
interface Trade {
  quantity: number;
  cents: number;
  commissionCents: number;
}

type Report = { kind: 'fill' | 'commission'; i: number };

/**
 * A tiny ledger with the store's guards (fills once by execId, commissions once and only on an
 * applied fill), applying reports with core's functions only. Commissions that come first wait.
 */
function replay(start: Order, startPosition: Position | undefined, trades: Trade[], reports: Report[]) {
  let current = start;
  let position = startPosition;
  const fills = new Map<string, StoredFill>();
  const waiting = new Map<string, Dec>();
  let dayRealized = ZERO;
  let dayCommissions = ZERO;
  let dayFills = 0;
  const deltas: Array<ReturnType<typeof counterDelta>> = [];
  const commissionOf = (t: Trade) => new Dec(t.commissionCents).div(100);
  const charge = (execId: string, commission: Dec) => {
    const fill = fills.get(execId);
    if (!fill || !position) return waiting.set(execId, commission);
    const out = applyCommissionReport(fill, position, commission, NOW);
    if (!out) return;
    fills.set(execId, { ...fill, commission });
    position = out.position;
    dayRealized = dayRealized.plus(out.pnlChange.realized).minus(out.pnlChange.commission);
    dayCommissions = dayCommissions.plus(out.pnlChange.commission);
  };
  for (const r of reports) {
    const t = trades[r.i] as Trade;
    const execId = `E${r.i}`;
    if (r.kind === 'commission') {
      charge(execId, commissionOf(t));
      continue;
    }
    if (fills.has(execId)) continue;
    const commission = waiting.get(execId);
    waiting.delete(execId);
    const out = applyExecution(
      current,
      position,
      exec({
        execId,
        quantity: new Dec(t.quantity),
        price: new Dec(t.cents).div(100),
        ...(commission ? { commission } : {}),
      }),
      NOW,
      9,
    );
    fills.set(execId, out.fill);
    current = out.order;
    position = out.position;
    dayRealized = dayRealized.plus(out.pnlChange.realized).minus(out.pnlChange.commission);
    dayCommissions = dayCommissions.plus(out.pnlChange.commission);
    dayFills += out.pnlChange.fills;
    if (out.counters) deltas.push(out.counters.delta);
  }
  return { order: current, position, dayRealized, dayCommissions, dayFills, deltas, fills };
}

const trades = fc.array(
  fc.record({
    quantity: fc.integer({ min: 1, max: 50 }),
    cents: fc.integer({ min: 9_000, max: 11_000 }),
    commissionCents: fc.integer({ min: 1, max: 300 }),
  }),
  { minLength: 1, maxLength: 6 },
);

/** Every fill and commission report, each sent 1–3 times, shuffled. */
const reportsOf = (n: number) =>
  fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2 * n, maxLength: 2 * n }).chain((times) => {
    const all: Report[] = [];
    times.forEach((k, j) => {
      for (let c = 0; c < k; c++)
        all.push({ kind: j % 2 === 0 ? 'fill' : 'commission', i: Math.floor(j / 2) });
    });
    return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
  });

// Average prices are rounded to 8 places at each fill (AVERAGE_COST_DECIMALS), so a different
// fill order may move their last place; every other figure is exact.
const close = (a: Dec | undefined, b: Dec | undefined) =>
  a !== undefined && b !== undefined && a.minus(b).abs().lte('0.000001');

describe('fills in any order, replayed any number of times', () => {
  it('give the same order, position and day P&L as the fills in order', () => {
    fc.assert(
      fc.property(
        trades.chain((ts) =>
          fc.tuple(fc.constant(ts), reportsOf(ts.length), fc.integer({ min: 0, max: 30 })),
        ),
        ([ts, reports, held]) => {
          const total = ts.reduce((s, t) => s + t.quantity, 0);
          const start = order({
            quantity: new Dec(total),
            reservation: { quantity: new Dec(total), unitPrice: new Dec(110) },
          });
          const startPosition =
            held === 0
              ? undefined
              : {
                  ...emptyPosition('t1', 'DU1', 'AAPL', NOW),
                  quantity: new Dec(held),
                  averageCost: new Dec(100),
                  fills: 1,
                  version: 1,
                };
          const inOrder: Report[] = ts.flatMap((_, i) => [
            { kind: 'fill' as const, i },
            { kind: 'commission' as const, i },
          ]);
          const a = replay(start, startPosition, ts, inOrder);
          const b = replay(start, startPosition, ts, reports);

          const commissions = ts.reduce((s, t) => s.plus(new Dec(t.commissionCents).div(100)), ZERO);
          for (const r of [a, b]) {
            expect(r.order.status).toBe('filled');
            expect(r.order.filledQuantity.toFixed()).toBe(String(total));
            expect(r.order.version).toBe(start.version + ts.length);
            expect(r.position?.quantity.toFixed()).toBe(String(held + total));
            expect(r.position?.commissions.toFixed()).toBe(commissions.toFixed());
            expect(r.position?.realizedPnl.toFixed()).toBe(commissions.neg().toFixed());
            expect(r.position?.fills).toBe((startPosition?.fills ?? 0) + ts.length);
            expect(r.dayCommissions.toFixed()).toBe(commissions.toFixed());
            expect(r.dayRealized.toFixed()).toBe(commissions.neg().toFixed());
            expect(r.dayFills).toBe(ts.length);
            expect([...r.fills.values()].every((f) => f.commission !== undefined)).toBe(true);
          }
          expect(close(a.order.averageFillPrice, b.order.averageFillPrice)).toBe(true);
          expect(close(a.position?.averageCost, b.position?.averageCost)).toBe(true);
          // The counters moved by the fills sum to the same change: order share out, position share in.
          const sum = (ds: typeof a.deltas) =>
            ds.reduce(
              (s, d) => ({ openOrders: s.openOrders + d.openOrders, position: s.position.plus(d.position) }),
              { openOrders: 0, position: ZERO },
            );
          expect(sum(a.deltas).openOrders).toBe(-1);
          expect(sum(b.deltas).openOrders).toBe(-1);
          expect(sum(b.deltas).position.toFixed()).toBe(String(total));
        },
      ),
      { numRuns: 200 },
    );
  });
});

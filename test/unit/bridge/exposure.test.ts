import { describe, expect, it } from '@jest/globals';
import { Dec, ZERO } from '../../../core/money.ts';
import type { Order } from '../../../core/orders/order.ts';
import { counterDelta, orderContribution, replacedReservation } from '../../../core/risk/exposure.ts';

const order = (o: Partial<Order>): Order =>
  ({
    id: '01J0000000000000000000000A',
    tenantId: 't',
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
    createdAt: '',
    updatedAt: '',
    version: 1,
    ...o,
  }) as Order;

const fmt = (d: ReturnType<typeof counterDelta>) => ({
  openOrders: d.openOrders,
  exposure: d.exposure.toFixed(),
  maxLong: d.maxLong.toFixed(),
  maxShort: d.maxShort.toFixed(),
  position: d.position.toFixed(),
});

describe('risk counter deltas', () => {
  it('a working order contributes its unfilled reservation', () => {
    expect(fmt(orderContribution(order({ filledQuantity: new Dec(4) })))).toEqual({
      openOrders: 1,
      exposure: '600',
      maxLong: '6',
      maxShort: '0',
      position: '0',
    });
    expect(orderContribution(order({ status: 'cancelled' })).openOrders).toBe(0);
  });

  it('a buy fill: position up, maxLong unchanged, maxShort down, exposure moves from reservation to cost', () => {
    const before = order({});
    const after = order({ status: 'partially_filled', filledQuantity: new Dec(4), version: 2 });
    const d = counterDelta(
      { order: before, position: undefined },
      { order: after, position: { quantity: new Dec(4), averageCost: new Dec('99.5') } },
    );
    expect(fmt(d)).toEqual({ openOrders: 0, exposure: '-2', maxLong: '0', maxShort: '-4', position: '4' });
  });

  it('a sell fill mirrors it: maxLong down, maxShort unchanged', () => {
    const before = order({ side: 'sell', reservation: { quantity: new Dec(10), unitPrice: new Dec(100) } });
    const after = { ...before, filledQuantity: new Dec(10), status: 'filled' as const };
    const d = counterDelta(
      { order: before, position: { quantity: new Dec(10), averageCost: new Dec(90) } },
      { order: after, position: { quantity: ZERO, averageCost: ZERO } },
    );
    expect(fmt(d)).toEqual({
      openOrders: -1,
      exposure: '-1900',
      maxLong: '-10',
      maxShort: '0',
      position: '-10',
    });
  });

  it('ending an order releases the unfilled remainder and the open-order count', () => {
    const before = order({ status: 'partially_filled', filledQuantity: new Dec(3) });
    const d = counterDelta({ order: before }, { order: { ...before, status: 'cancelled' } });
    expect(fmt(d)).toEqual({ openOrders: -1, exposure: '-700', maxLong: '-7', maxShort: '0', position: '0' });
  });

  it('a confirmed replace releases the difference from the larger reservation the modify held', () => {
    const pending = order({
      status: 'pending_replace',
      reservation: { quantity: new Dec(20), unitPrice: new Dec(101) },
    });
    const confirmed = {
      ...pending,
      status: 'submitted' as const,
      quantity: new Dec(20),
      reservation: replacedReservation(pending, { quantity: new Dec(20), limitPrice: new Dec(99) }),
    };
    expect(fmt(counterDelta({ order: pending }, { order: confirmed }))).toEqual({
      openOrders: 0,
      exposure: '-40',
      maxLong: '0',
      maxShort: '0',
      position: '0',
    });
  });

  it('a market order keeps its reserved unit price on replace', () => {
    expect(replacedReservation(order({ type: 'market' }), { quantity: new Dec(5) }).unitPrice.toFixed()).toBe(
      '100',
    );
  });
});

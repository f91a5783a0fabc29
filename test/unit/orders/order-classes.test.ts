import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Dec } from '../../../core/money.ts';
import { parseOrderRequest } from '../../../core/orders/order-class.ts';
import { groupAloneBreaks, groupReservation, type PricedLeg } from '../../../core/risk/groups.ts';
import { orderContribution, positionContribution } from '../../../core/risk/exposure.ts';
import { defaultRiskLimits } from '../../../core/risk/limits.ts';
import { parentOfLeg, heldByGroup } from '../../../core/bridge/groups.ts';
import type { Order } from '../../../core/orders/order.ts';
import type { OrderId } from '../../../core/ids.ts';

const bracket = {
  orderClass: 'bracket',
  symbol: 'AAPL',
  side: 'buy',
  quantity: '10',
  type: 'limit',
  limitPrice: '100',
  timeInForce: 'gtc',
  takeProfit: { limitPrice: '105' },
  stopLoss: { stopPrice: '95', limitPrice: '94.5' },
};

describe('parseOrderRequest', () => {
  it('a bracket parses to its entry and two attached exits on the other side', () => {
    const parsed = parseOrderRequest(bracket);
    if (!parsed.success) throw parsed.error;
    expect(parsed.data.orderClass).toBe('bracket');
    const [entry, tp, sl] = parsed.data.legs;
    expect(entry).toMatchObject({ role: 'entry', request: { side: 'buy', type: 'limit' } });
    expect(entry?.parentIndex).toBeUndefined();
    expect(tp).toMatchObject({
      role: 'take_profit',
      parentIndex: 0,
      request: { side: 'sell', type: 'limit' },
    });
    expect(sl).toMatchObject({
      role: 'stop_loss',
      parentIndex: 0,
      request: { side: 'sell', type: 'stop_limit' },
    });
    expect(sl?.request.quantity.toFixed()).toBe('10');
    expect(sl?.request.timeInForce).toBe('gtc');
    expect((entry?.request as Record<string, unknown>).takeProfit).toBeUndefined();
  });

  it('a simple order (orderClass absent or simple) is one leg', () => {
    const body = { symbol: 'AAPL', side: 'buy', quantity: '1', type: 'market' };
    for (const b of [body, { ...body, orderClass: 'simple' }]) {
      const parsed = parseOrderRequest(b);
      expect(parsed.success && parsed.data.legs.map((l) => l.role)).toEqual(['simple']);
    }
  });

  it('a sell bracket wants its take-profit below and its stop above the entry', () => {
    const sell = { ...bracket, side: 'sell', stopLoss: { stopPrice: '95' } };
    const parsed = parseOrderRequest(sell);
    expect(parsed.success).toBe(false);
    const ok = parseOrderRequest({
      ...sell,
      takeProfit: { limitPrice: '95' },
      stopLoss: { stopPrice: '105' },
    });
    expect(ok.success).toBe(true);
  });

  it('refuses unknown classes and stray exits', () => {
    expect(parseOrderRequest({ ...bracket, orderClass: 'trailing' }).success).toBe(false);
    expect(parseOrderRequest({ ...bracket, orderClass: 'oco' }).success).toBe(false);
  });
});

const legArb = (role: PricedLeg['role'], side: 'buy' | 'sell') =>
  fc
    .record({ q: fc.integer({ min: 1, max: 1000 }), cents: fc.integer({ min: 1, max: 100_000 }) })
    .map(({ q, cents }) => ({
      role,
      side,
      symbol: 'AAPL',
      quantity: new Dec(q),
      unitPrice: new Dec(cents).div(100),
    }));

describe('group risk: the worst case, not the sum', () => {
  it('a bracket reserves its entry; any fill path stays within it (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('buy' as const, 'sell' as const),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 100, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (side, q, cents, entryShare, exitShare, priceShare) => {
          const u = new Dec(cents).div(100);
          const exitSide = side === 'buy' ? 'sell' : 'buy';
          const legs: PricedLeg[] = [
            { role: 'entry', side, symbol: 'AAPL', quantity: new Dec(q), unitPrice: u },
            {
              role: 'take_profit',
              side: exitSide,
              symbol: 'AAPL',
              quantity: new Dec(q),
              unitPrice: u.mul(1.1),
            },
            {
              role: 'stop_loss',
              side: exitSide,
              symbol: 'AAPL',
              quantity: new Dec(q),
              unitPrice: u.mul(0.9),
            },
          ];
          const g = groupReservation('bracket', legs);
          expect(g.total.notional.toFixed()).toBe(new Dec(q).mul(u).toFixed());
          expect(g.orders).toBe(3);
          // A limit entry fills at or better than its limit; the exits only close what it opened.
          const entryFilled = new Dec(Math.floor(q * entryShare));
          const exitFilled = new Dec(Math.floor(entryFilled.toNumber() * exitShare));
          const fillPrice = u.mul(priceShare).toDecimalPlaces(2);
          const working = legs.map((l, i) => ({
            side: l.side,
            status: 'submitted' as const,
            reservation: g.perLeg[i],
            filledQuantity: i === 0 ? entryFilled : i === 1 ? exitFilled : new Dec(0),
          }));
          const signed = entryFilled.minus(exitFilled).mul(side === 'buy' ? 1 : -1);
          const position = positionContribution({ quantity: signed, averageCost: fillPrice });
          const exposure = working
            .map((o) => orderContribution(o).exposure)
            .reduce((a, b) => a.plus(b), position.exposure);
          expect(exposure.lte(g.total.notional)).toBe(true);
          const openSide = working
            .map((o) => orderContribution(o)[side === 'buy' ? 'maxLong' : 'maxShort'])
            .reduce((a, b) => a.plus(b), side === 'buy' ? position.maxLong : position.maxShort);
          expect(openSide.lte(g.total.quantity)).toBe(true);
          const otherSide = working
            .map((o) => orderContribution(o)[side === 'buy' ? 'maxShort' : 'maxLong'])
            .reduce((a, b) => a.plus(b), side === 'buy' ? position.maxShort : position.maxLong);
          expect(otherSide.lte(0)).toBe(true);
        },
      ),
    );
  });

  it('an OCO group is bounded by its largest leg, never the sum, never less than one leg (property)', () => {
    fc.assert(
      fc.property(legArb('oco_leg', 'sell'), legArb('oco_leg', 'sell'), (a, b) => {
        const g = groupReservation('oco', [a, b]);
        const notional = (l: PricedLeg) => l.quantity.mul(l.unitPrice);
        expect(g.total.notional.gte(notional(a)) && g.total.notional.gte(notional(b))).toBe(true);
        expect(g.total.quantity.toFixed()).toBe(Dec.max(a.quantity, b.quantity).toFixed());
        if (a.quantity.eq(b.quantity) && a.unitPrice.eq(b.unitPrice))
          expect(g.total.notional.toFixed()).toBe(notional(a).toFixed());
        const sum = g.perLeg
          .map((r) =>
            orderContribution({
              side: 'sell',
              status: 'submitted',
              reservation: r,
              filledQuantity: new Dec(0),
            }),
          )
          .reduce((x, c) => ({ e: x.e.plus(c.exposure), s: x.s.plus(c.maxShort), n: x.n + c.openOrders }), {
            e: new Dec(0),
            s: new Dec(0),
            n: 0,
          });
        expect(sum.e.toFixed()).toBe(g.total.notional.toFixed());
        expect(sum.s.toFixed()).toBe(g.total.quantity.toFixed());
        expect(sum.n).toBe(2);
      }),
    );
  });

  it('a group that alone breaks a limit is denied with the limit it breaks', () => {
    const limits = {
      ...defaultRiskLimits(),
      maxOpenOrders: 2,
      maxGrossExposure: null,
      maxPositionQuantity: null,
    };
    const leg: PricedLeg = {
      role: 'entry',
      side: 'buy',
      symbol: 'AAPL',
      quantity: new Dec(1),
      unitPrice: new Dec(1),
    };
    const g = groupReservation('bracket', [
      leg,
      { ...leg, role: 'take_profit' },
      { ...leg, role: 'stop_loss' },
    ]);
    expect(groupAloneBreaks(g, limits)?.code).toBe('RISK_MAX_OPEN_ORDERS');
    expect(groupAloneBreaks(g, { ...limits, maxOpenOrders: 3, maxOrdersPerSecond: 3 })).toBeUndefined();
  });
});

describe('groups at the broker', () => {
  const order = (changes: Partial<Order>): Order =>
    ({ id: 'P' as OrderId, status: 'submitted', brokerOrderId: 7, ...changes }) as Order;

  it('an attached leg waits for its parent at the broker, and follows a parent that ended', () => {
    expect(parentOfLeg(order({}), true)).toEqual({ kind: 'ready', parentBrokerOrderId: 7 });
    expect(parentOfLeg(order({}), false).kind).toBe('wait');
    expect(parentOfLeg(order({ brokerOrderId: undefined, status: 'pending_new' }), false).kind).toBe('wait');
    expect(parentOfLeg(order({ status: 'cancelled' }), true).kind).toBe('cancel');
    expect(parentOfLeg(order({ status: 'pending_cancel' }), true).kind).toBe('cancel');
    expect(parentOfLeg(undefined, false).kind).toBe('cancel');
  });

  it("a held leg's Inactive is not a refusal; an error code makes it one", () => {
    const held = order({
      status: 'pending_new',
      group: { orderClass: 'bracket', groupId: 'P' as OrderId, role: 'entry', legIds: [], held: true },
    });
    expect(heldByGroup(held, undefined)).toBe(true);
    expect(heldByGroup(held, { code: 201 })).toBe(false);
    expect(heldByGroup({ ...held, status: 'submitted' }, undefined)).toBe(false);
    expect(heldByGroup(order({ status: 'pending_new' }), undefined)).toBe(false);
  });
});

/**
 * The order router against in-memory fakes of its ports (store, broker session): placement
 * exactly once, broker statuses and errors, fills and commissions in any order, retries.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import type { BrokerOrderId } from '../../../core/ids.ts';
import { Dec, ZERO } from '../../../core/money.ts';
import type { Order } from '../../../core/orders/order.ts';
import { orderContribution, positionContribution } from '../../../core/risk/exposure.ts';
import type { ExecutionMessage, OpenOrderMessage } from '../../../ib-bridge/connection.ts';
import { OrderIdAllocator } from '../../../ib-bridge/ids.ts';
import { OrderRouter } from '../../../ib-bridge/orders.ts';
import { FakeBridgeStore } from '../../support/fake-bridge-store.ts';
import { FakeBrokerSession } from '../../support/fake-broker-session.ts';

const CLIENT = 9;
const NOW = '2026-03-02T15:00:00.000Z';
const ORDER_A = '01J0000000000000000000000A';
const ORDER_B = '01J0000000000000000000000B';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function order(o: Partial<Order> = {}): Order {
  return {
    id: ORDER_A,
    tenantId: 't1',
    symbol: 'AAPL',
    side: 'buy',
    quantity: new Dec(10),
    type: 'limit',
    limitPrice: new Dec(100),
    timeInForce: 'day',
    outsideRth: false,
    status: 'pending_new',
    filledQuantity: ZERO,
    reservation: { quantity: new Dec(10), unitPrice: new Dec(100) },
    createdAt: NOW,
    updatedAt: NOW,
    version: 1,
    ...o,
  } as Order;
}

const routers: OrderRouter[] = [];
afterEach(() => {
  for (const r of routers.splice(0)) r.close();
});

function world() {
  const store = new FakeBridgeStore();
  const broker = new FakeBrokerSession();
  const ids = new OrderIdAllocator(store, CLIENT, 5);
  let executionRequests = 0;
  const router = new OrderRouter({
    store,
    broker,
    ids,
    clientId: CLIENT,
    account: 'DU1',
    log: silent,
    requestExecutions: () => executionRequests++,
    whenReady: () => Promise.resolve(),
    now: () => new Date(NOW),
  });
  routers.push(router);
  return { store, broker, ids, router, executionRequests: () => executionRequests };
}

const place = (router: OrderRouter, o: Order) =>
  router.command({ kind: 'place', tenantId: o.tenantId, orderId: o.id, version: o.version });

function execution(orderId: string, brokerOrderId: number, execId: string, qty: number, price: number) {
  return {
    reqId: -1,
    contract: { symbol: 'AAPL' },
    execution: {
      execId,
      orderRef: orderId,
      orderId: brokerOrderId,
      clientId: CLIENT,
      permId: 700,
      side: 'BOT',
      shares: qty,
      price,
      time: '20260302 14:59:59 UTC',
      acctNumber: 'DU1',
    },
  } as unknown as ExecutionMessage;
}

function openOrder(orderRef: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    orderId: 0,
    contract: { symbol: 'AAPL' },
    order: { orderRef, permId: 700, clientId: CLIENT, totalQuantity: 10, lmtPrice: 100, ...extra },
    state: { status },
  } as unknown as OpenOrderMessage;
}

describe('placement', () => {
  it('claims before it places, with our order id as orderRef and increasing IB order ids', async () => {
    const { store, broker, router } = world();
    const a = order();
    const b = order({ id: ORDER_B as Order['id'] });
    store.put(a);
    store.put(b);
    const claimedAtSend: Array<number | undefined> = [];
    broker.onSend = (sent) => {
      const ref = sent.order?.orderRef ?? '';
      claimedAtSend.push(store.orders.get(`t1|${ref}`)?.brokerOrderId);
    };
    await place(router, a);
    await place(router, b);
    expect(broker.sent.map((s) => [s.kind, s.order?.orderRef])).toEqual([
      ['place', ORDER_A],
      ['place', ORDER_B],
    ]);
    expect(claimedAtSend).toEqual(broker.sent.map((s) => s.id));
    const [first, second] = broker.sent.map((s) => s.id) as [number, number];
    expect(second).toBeGreaterThan(first);
    expect(store.events.map((e) => e.type)).toEqual(['order.routed', 'order.routed']);
    expect(store.routesByRef.get(ORDER_A)).toEqual({
      tenantId: 't1',
      orderId: ORDER_A,
      clientId: CLIENT,
      brokerOrderId: first,
    });
    expect(router.knownAtBroker(ORDER_A)).toBe(true);
  });

  it('a redelivered place of an order the broker holds sends nothing', async () => {
    const { store, broker, router } = world();
    const a = order();
    store.put(a);
    await place(router, a);
    await place(router, a);
    expect(broker.sent).toHaveLength(1);
  });

  it('an order claimed in a session that died is placed again under a fresh id', async () => {
    const { store, broker, router } = world();
    const a = order();
    store.put(a);
    await place(router, a);
    const firstId = broker.sent[0]?.id as number;
    router.newSession();
    await place(router, a);
    expect(broker.sent.map((s) => s.kind)).toEqual(['place', 'place']);
    expect(broker.sent[1]?.id).toBeGreaterThan(firstId);
    expect(store.events.at(-1)?.data).toMatchObject({ replacesBrokerOrderId: firstId });
  });

  it('a claim that fails is retried; the order is placed once', async () => {
    const { store, broker, router } = world();
    const a = order();
    store.put(a);
    store.failNext(1);
    await place(router, a);
    expect(broker.sent).toHaveLength(1);
    expect(store.events.filter((e) => e.type === 'order.routed')).toHaveLength(1);
  });

  it('a cancel of an order never routed cancels it here', async () => {
    const { store, broker, router } = world();
    const a = order({ status: 'pending_cancel', previousStatus: 'pending_new', version: 2 });
    store.put(a);
    await router.command({ kind: 'cancel', tenantId: 't1', orderId: a.id, version: 2 });
    expect(broker.sent).toEqual([]);
    expect(store.orders.get(`t1|${a.id}`)?.status).toBe('cancelled');
    expect(store.counters.get('t1|AAPL')?.openOrders).toBe(-1);
  });

  it('a cancel of a routed order goes to the broker under its IB order id', async () => {
    const { store, broker, router } = world();
    const a = order();
    store.put(a);
    await place(router, a);
    const placed = store.orders.get(`t1|${a.id}`) as Order;
    store.put({
      ...placed,
      status: 'pending_cancel',
      previousStatus: 'pending_new',
      version: placed.version + 1,
    });
    await router.command({ kind: 'cancel', tenantId: 't1', orderId: a.id, version: placed.version + 1 });
    expect(broker.sent.map((s) => [s.kind, s.id])).toEqual([
      ['place', placed.brokerOrderId],
      ['cancel', placed.brokerOrderId],
    ]);
  });

  it('refuses a command naming another tenant’s order', async () => {
    const { store, router } = world();
    const a = order();
    store.put(a);
    await place(router, a);
    await expect(
      router.command({ kind: 'cancel', tenantId: 't2', orderId: a.id, version: 9 }),
    ).rejects.toThrow(/another tenant/);
  });
});

describe('broker statuses and errors', () => {
  async function routed() {
    const w = world();
    const a = order();
    w.store.put(a);
    await place(w.router, a);
    const id = w.broker.sent[0]?.id as number;
    return { ...w, id };
  }

  it('Submitted makes a pending_new order submitted, once', async () => {
    const { store, router, id } = await routed();
    router.onOrderStatus(id, 'Submitted', 0, 700);
    router.onOrderStatus(id, 'Submitted', 0, 700);
    await router.idle();
    const stored = store.orders.get(`t1|${ORDER_A}`);
    expect(stored).toMatchObject({ status: 'submitted', brokerPermId: 700 });
    expect(store.events.map((e) => e.type)).toEqual(['order.routed', 'order.submitted']);
  });

  it('an openOrder confirms the order is at the broker, found by orderRef', async () => {
    const { store, router } = await routed();
    router.newSession();
    router.onOpenOrder(openOrder(ORDER_A, 'PreSubmitted'));
    await router.idle();
    expect(router.knownAtBroker(ORDER_A)).toBe(true);
    expect(store.orders.get(`t1|${ORDER_A}`)?.status).toBe('submitted');
  });

  it('error 201 rejects the order with the broker’s reason and releases its reservation', async () => {
    const { store, router, id } = await routed();
    router.onOrderError(id, 201, 'Order rejected - reason: no trading permissions');
    await router.idle();
    expect(store.orders.get(`t1|${ORDER_A}`)).toMatchObject({ status: 'rejected', rejectCode: 'IB_201' });
    expect(store.counters.get('t1|AAPL')?.openOrders).toBe(-1);
    expect(store.working.size).toBe(0);
  });

  it('an order the OMS did not place is flagged as foreign once', async () => {
    const { store, router } = world();
    router.onOpenOrder(openOrder('hand-entered', 'Submitted', { permId: 555, clientId: 0 }));
    router.onOpenOrder(openOrder('hand-entered', 'Submitted', { permId: 555, clientId: 0 }));
    await router.idle();
    expect([...store.foreign.keys()]).toEqual([555]);
    expect(router.stats.foreign).toBe(1);
  });

  it('routes are looked up once and then cached', async () => {
    const { store, router } = world();
    const a = order({ status: 'submitted', brokerOrderId: 31 as BrokerOrderId, version: 3 });
    store.put(a);
    store.routesByBrokerId.set(`${CLIENT}|31`, {
      tenantId: 't1',
      orderId: a.id,
      clientId: CLIENT,
      brokerOrderId: 31,
    });
    router.onOrderStatus(31, 'Submitted', 0, 700);
    router.onOrderStatus(31, 'PendingCancel', 0, 700);
    await router.idle();
    router.onOrderStatus(31, 'Cancelled', 0, 700);
    await router.idle();
    expect(store.lookups).toBe(1);
    expect(store.orders.get(`t1|${a.id}`)?.status).toBe('cancelled');
  });
});

describe('fills and commissions', () => {
  async function working(quantity = 10) {
    const w = world();
    const a = order({
      quantity: new Dec(quantity),
      reservation: { quantity: new Dec(quantity), unitPrice: new Dec(100) },
    });
    w.store.put(a);
    await place(w.router, a);
    const id = w.broker.sent[0]?.id as number;
    return { ...w, id };
  }

  it('a commission right behind its execution is charged in the fill’s own write', async () => {
    const { store, router, id } = await working();
    router.onExecution(execution(ORDER_A, id, 'E1', 4, 99.5));
    router.onCommission({ execId: 'E1', commission: 0.35 } as never);
    await router.idle();
    expect(store.positionEvents.map((e) => e.cause.kind)).toEqual(['fill']);
    expect(store.fills.get('t1|E1')?.commission?.toFixed()).toBe('0.35');
    expect(router.stats).toMatchObject({ fills: 1, commissions: 1 });
  });

  it('a commission after its fill was applied is charged on its own', async () => {
    const { store, router, id } = await working();
    router.onExecution(execution(ORDER_A, id, 'E1', 4, 99.5));
    await router.idle();
    router.onCommission({ execId: 'E1', commission: 0.35 } as never);
    await router.idle();
    expect(store.positionEvents.map((e) => e.cause.kind)).toEqual(['fill', 'commission']);
    expect(store.positions.get('t1|DU1|AAPL')?.commissions.toFixed()).toBe('0.35');
  });

  it('a commission before its execution waits for it', async () => {
    const { store, router, id } = await working();
    router.onCommission({ execId: 'E1', commission: 0.35 } as never);
    router.onExecution(execution(ORDER_A, id, 'E1', 4, 99.5));
    await router.idle();
    expect(store.positionEvents.map((e) => e.cause.kind)).toEqual(['fill']);
    expect(store.fills.get('t1|E1')?.commission?.toFixed()).toBe('0.35');
  });

  it('a fill whose write fails is retried with its commission', async () => {
    const { store, router, id } = await working();
    store.failNext(2);
    router.onExecution(execution(ORDER_A, id, 'E1', 4, 99.5));
    router.onCommission({ execId: 'E1', commission: 0.35 } as never);
    await router.idle();
    expect(store.fills.get('t1|E1')?.commission?.toFixed()).toBe('0.35');
    expect(store.positions.get('t1|DU1|AAPL')?.quantity.toFixed()).toBe('4');
  });

  it('a broker that ends the order with fills not seen yet gets asked for them first', async () => {
    const { store, router, id, executionRequests } = await working();
    router.onOrderStatus(id, 'Filled', 10, 700);
    await router.idle();
    expect(store.orders.get(`t1|${ORDER_A}`)?.status).toBe('pending_new');
    expect(executionRequests()).toBe(1);
    router.onExecution(execution(ORDER_A, id, 'E1', 10, 99.5));
    await router.idle();
    expect(store.orders.get(`t1|${ORDER_A}`)?.status).toBe('filled');
  });

  it('an execution of no order of ours is flagged, not applied', async () => {
    const { store, router } = world();
    const m = execution('not-ours', 0, 'X1', 1, 10);
    (m.execution as { permId: number }).permId = 901;
    (m.execution as { clientId: number }).clientId = 0;
    router.onExecution(m);
    router.onCommission({ execId: 'X1', commission: 1 } as never);
    await router.idle();
    expect(store.fills.size).toBe(0);
    expect([...store.foreign.keys()]).toEqual([901]);
  });

  it('any order of executions and commissions, each replayed, gives the same order, position and P&L', async () => {
    const trade = fc.record({
      quantity: fc.integer({ min: 1, max: 30 }),
      cents: fc.integer({ min: 9_500, max: 10_500 }),
      commissionCents: fc.integer({ min: 1, max: 200 }),
    });
    const scenario = fc.array(trade, { minLength: 1, maxLength: 5 }).chain((ts) =>
      fc.tuple(
        fc.constant(ts),
        fc
          .array(fc.integer({ min: 1, max: 3 }), { minLength: 2 * ts.length, maxLength: 2 * ts.length })
          .chain((times) => {
            const all: Array<{ kind: 'fill' | 'commission'; i: number }> = [];
            times.forEach((k, j) => {
              for (let c = 0; c < k; c++)
                all.push({ kind: j % 2 === 0 ? 'fill' : 'commission', i: Math.floor(j / 2) });
            });
            return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
          }),
        // Where the router yields to let writes run between reports.
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(scenario, async ([ts, reports, pauses]) => {
        const total = ts.reduce((s, t) => s + t.quantity, 0);
        const { store, router, id } = await working(total);
        const before = store.orders.get(`t1|${ORDER_A}`) as Order;
        for (const [n, r] of reports.entries()) {
          const t = ts[r.i] as (typeof ts)[number];
          if (r.kind === 'fill')
            router.onExecution(execution(ORDER_A, id, `E${r.i}`, t.quantity, t.cents / 100));
          else router.onCommission({ execId: `E${r.i}`, commission: t.commissionCents / 100 } as never);
          if (pauses[n % pauses.length]) await router.idle();
        }
        await router.idle();

        const commissions = ts.reduce((s, t) => s.plus(new Dec(t.commissionCents).div(100)), ZERO);
        const final = store.orders.get(`t1|${ORDER_A}`) as Order;
        const position = store.positions.get('t1|DU1|AAPL');
        expect(final.status).toBe('filled');
        expect(final.filledQuantity.toFixed()).toBe(String(total));
        expect(final.version).toBe(before.version + ts.length);
        const value = ts.reduce((s, t) => s.plus(new Dec(t.cents).div(100).mul(t.quantity)), ZERO);
        expect(final.averageFillPrice?.minus(value.div(total)).abs().lte('0.000001')).toBe(true);
        expect(position?.quantity.toFixed()).toBe(String(total));
        expect(position?.commissions.toFixed()).toBe(commissions.toFixed());
        expect(position?.realizedPnl.toFixed()).toBe(commissions.neg().toFixed());
        expect(position?.fills).toBe(ts.length);
        const day = store.pnl.get('t1|2026-03-02');
        expect(day?.fills).toBe(ts.length);
        expect(day?.commissions.toFixed()).toBe(commissions.toFixed());
        expect(day?.realizedPnl.toFixed()).toBe(commissions.neg().toFixed());
        expect(store.fills.size).toBe(ts.length);
        expect(store.house.get('DU1|AAPL')?.toFixed()).toBe(String(total));
        // Counters moved by exactly the change in contribution: the order's share out, the position's in.
        const counters = store.counters.get('t1|AAPL');
        const expected = orderContribution(before);
        expect(counters?.openOrders).toBe(-expected.openOrders);
        expect(counters?.position.toFixed()).toBe(positionContribution(position).position.toFixed());
        expect(counters?.exposure.toFixed()).toBe(
          positionContribution(position).exposure.minus(expected.exposure).toFixed(),
        );
        expect(router.stats.fills).toBe(ts.length);
      }),
      { numRuns: 60 },
    );
  });
});

describe('settling', () => {
  it('cancels an order the broker no longer has, but not on a settle from an earlier session', async () => {
    const { store, router } = world();
    const a = order({
      status: 'submitted',
      brokerOrderId: 31 as BrokerOrderId,
      brokerPermId: 700 as never,
      version: 3,
    });
    store.put(a);
    const route = { tenantId: 't1', orderId: a.id, clientId: CLIENT, brokerOrderId: 31 };
    router.settle(route);
    await router.idle();
    expect(store.orders.get(`t1|${a.id}`)?.status).toBe('cancelled');
    expect(store.events.at(-1)?.reason).toBe('The broker no longer has this order');
    const b = order({
      id: ORDER_B as Order['id'],
      status: 'submitted',
      brokerOrderId: 32 as BrokerOrderId,
      brokerPermId: 701 as never,
      version: 3,
    });
    store.put(b);
    const stale = { tenantId: 't1', orderId: b.id, clientId: CLIENT, brokerOrderId: 32 };
    router.remember(stale);
    // Posted in this session, run in the next: ignored.
    router.newSession();
    router.settle(stale);
    router.newSession();
    await router.idle();
    expect(store.orders.get(`t1|${b.id}`)?.status).toBe('submitted');
  });
});

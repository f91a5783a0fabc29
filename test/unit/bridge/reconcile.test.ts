/**
 * Reconciliation against in-memory fakes: what the broker holds is asked for before anything is
 * placed; routed orders it does not hold are settled only in the session that answered.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { BrokerOrderId, BrokerPermId } from '../../../core/ids.ts';
import { Dec, ZERO } from '../../../core/money.ts';
import type { Order } from '../../../core/orders/order.ts';
import type { OpenOrderMessage } from '../../../ib-bridge/connection.ts';
import { OrderIdAllocator } from '../../../ib-bridge/ids.ts';
import { OrderRouter } from '../../../ib-bridge/orders.ts';
import { Reconciler } from '../../../ib-bridge/reconcile.ts';
import { FakeBridgeStore } from '../../support/fake-bridge-store.ts';
import { FakeBrokerSession } from '../../support/fake-broker-session.ts';

const CLIENT = 9;
const NOW = '2026-03-02T15:00:00.000Z';
const HELD = '01J0000000000000000000000A';
const GONE = '01J0000000000000000000000B';
const NEVER_SENT = '01J0000000000000000000000C';

function lines() {
  const out: Array<{ level: string; message: string; data?: Record<string, unknown> }> = [];
  const add = (level: string) => (message: string, data?: Record<string, unknown>) =>
    void out.push({ level, message, ...(data ? { data } : {}) });
  return { out, log: { info: add('info'), warn: add('warn'), error: add('error') } };
}

function working(id: string, brokerOrderId: number, o: Partial<Order> = {}): Order {
  return {
    id,
    tenantId: 't1',
    symbol: 'AAPL',
    side: 'buy',
    quantity: new Dec(10),
    type: 'limit',
    limitPrice: new Dec(100),
    timeInForce: 'gtc',
    outsideRth: false,
    status: 'submitted',
    filledQuantity: ZERO,
    reservation: { quantity: new Dec(10), unitPrice: new Dec(100) },
    brokerOrderId: brokerOrderId as BrokerOrderId,
    brokerPermId: (700 + brokerOrderId) as BrokerPermId,
    createdAt: NOW,
    updatedAt: NOW,
    version: 3,
    ...o,
  } as Order;
}

const closers: Array<() => void> = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

function world() {
  const store = new FakeBridgeStore();
  const broker = new FakeBrokerSession();
  const { out, log } = lines();
  let ready = false;
  const readiness: boolean[] = [];
  const router = new OrderRouter({
    store,
    broker,
    ids: new OrderIdAllocator(store, CLIENT, 5),
    clientId: CLIENT,
    account: 'DU1',
    log,
    requestExecutions: () => reconciler.requestExecutions(),
    whenReady: () => Promise.resolve(),
    now: () => new Date(NOW),
  });
  const reconciler: Reconciler = new Reconciler({
    broker,
    store,
    router,
    clientId: CLIENT,
    log,
    setReady: (value) => {
      ready = value;
      readiness.push(value);
    },
    draining: () => false,
  });
  closers.push(
    () => router.close(),
    () => reconciler.close(),
  );
  const route = (o: Order) => {
    store.put(o);
    const r = { tenantId: 't1', orderId: o.id, clientId: CLIENT, brokerOrderId: o.brokerOrderId as number };
    store.working.set(`${CLIENT}|${o.id}`, r);
    store.routesByRef.set(o.id, r);
    store.routesByBrokerId.set(`${CLIENT}|${r.brokerOrderId}`, r);
  };
  /** The broker answers reqAllOpenOrders with these orders, as openOrder messages. */
  const holds = (...ids: string[]) => {
    broker.openOrderReplies = () => {
      const replies = ids.map(
        (id) =>
          ({
            orderId: 0,
            contract: { symbol: 'AAPL' },
            order: { orderRef: id, clientId: CLIENT, totalQuantity: 10, lmtPrice: 100 },
            state: { status: 'Submitted' },
          }) as unknown as OpenOrderMessage,
      );
      for (const r of replies) router.onOpenOrder(r);
      return replies;
    };
  };
  const status = (id: string) => store.orders.get(`t1|${id}`)?.status;
  return { store, broker, router, reconciler, out, route, holds, status, ready: () => ready, readiness };
}

describe('reconciliation', () => {
  it('settles what the broker does not hold, keeps what it holds, then is ready', async () => {
    const w = world();
    w.route(working(HELD, 1));
    w.route(working(GONE, 2));
    w.route(working(NEVER_SENT, 3, { status: 'pending_new', brokerPermId: undefined }));
    w.holds(HELD);
    const done = w.reconciler.reconciled();
    w.reconciler.reconcile('session');
    await done;
    await w.reconciler.settled();
    expect(w.status(HELD)).toBe('submitted');
    expect(w.status(GONE)).toBe('cancelled');
    expect(w.store.events.find((e) => e.orderId === GONE)?.reason).toBe(
      'The broker no longer has this order',
    );
    // Claimed but never sent (the bridge died in between): placed now, under a fresh id.
    expect(w.broker.sent.map((s) => [s.kind, s.order?.orderRef])).toEqual([['place', NEVER_SENT]]);
    expect(w.readiness).toEqual([false, true]);
    expect(w.reconciler.count).toBe(1);
    expect(w.store.watermark).toBeDefined();
    expect(w.out.find((l) => l.message === 'reconciled with the broker')?.data).toMatchObject({
      working: 3,
      openAtBroker: 1,
      settled: 2,
    });
  });

  it('settles nothing on what a dropped session said, and reconciles again in the next', async () => {
    const w = world();
    w.route(working(HELD, 1));
    // The session drops while the broker answers: its list of open orders is incomplete.
    w.broker.duringOpenOrders = () => {
      w.broker.sessions++;
      w.router.newSession();
      w.reconciler.reconcile('session');
    };
    w.holds();
    const done = w.reconciler.reconciled();
    w.reconciler.reconcile('session');
    await done;
    await w.reconciler.settled();
    // The second round (the new session) found it missing and settled it, the first did not.
    expect(w.store.events.filter((e) => e.orderId === HELD).map((e) => e.type)).toEqual(['order.cancelled']);
    expect(w.reconciler.count).toBe(1);
    expect(w.ready()).toBe(true);
  });

  it('waits out a session that dropped: nothing settled while the broker is down', async () => {
    const w = world();
    w.route(working(GONE, 2));
    w.broker.duringOpenOrders = () => {
      w.broker.up = false;
    };
    w.reconciler.reconcile('session');
    await w.reconciler.settled();
    expect(w.status(GONE)).toBe('submitted');
    expect(w.reconciler.count).toBe(0);
    expect(w.ready()).toBe(false);
  });

  it('reports positions that differ between the broker and the OMS', async () => {
    const w = world();
    w.store.house.set('DU1|AAPL', new Dec(5));
    w.store.house.set('DU1|MSFT', new Dec(2));
    w.broker.heldPositions = [
      { account: 'DU1', contract: { symbol: 'AAPL' }, pos: 5 },
      { account: 'DU1', contract: { symbol: 'BRK B' }, pos: 1 },
    ];
    const done = w.reconciler.reconciled();
    w.reconciler.reconcile('1101');
    await done;
    const warning = w.out.find((l) => l.message === 'positions differ between the broker and the OMS');
    expect(warning?.data?.mismatches).toEqual([
      { account: 'DU1', symbol: 'BRK.B', broker: '1', oms: '0' },
      { account: 'DU1', symbol: 'MSFT', broker: '0', oms: '2' },
    ]);
  });

  it('asks for executions since the stored watermark, less a margin for clock skew', async () => {
    const w = world();
    w.store.watermark = '2026-03-02T14:30:00.000Z';
    const filters: unknown[] = [];
    w.broker.executions = async (filter: unknown) => {
      filters.push(filter);
      return [];
    };
    const done = w.reconciler.reconciled();
    w.reconciler.reconcile('session');
    await done;
    expect(filters).toEqual([{ time: '20260302-14:20:00' }]);
  });
});

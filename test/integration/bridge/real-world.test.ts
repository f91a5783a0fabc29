/**
 * Acceptance 3: each behaviour of "Real-world behaviour" in docs/tws-protocol.md, produced by the
 * paper gateway's fault injection, against the bridge.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  bridgeWorld,
  countersCheck,
  eventTypes,
  getOrder,
  orderIn,
  placeOrder,
  waitFor,
  type BridgeWorld,
} from './harness.ts';
import type { Bridge } from '../../../ib-bridge/bridge.ts';
import type { TestTenant } from '../../support/tenants.ts';

let world: BridgeWorld;
let bridge: Awaited<ReturnType<BridgeWorld['startBridge']>>;

beforeAll(async () => {
  world = await bridgeWorld({ seed: 11 });
  bridge = await world.startBridge();
  await waitFor(() => bridge.ready, 'bridge ready');
});
afterAll(() => world.close());

/** A buy limit that rests (well under the market) until the test moves the price through it. */
function resting(symbol: string, limitPrice: string, quantity = '10') {
  return { symbol, side: 'buy', quantity, type: 'limit', limitPrice, timeInForce: 'gtc' };
}

/** Moves the market so that resting buys at or above `price` fill. */
function cross(symbol: string, price: number) {
  world.gateway.control.setPrice(symbol, {
    bid: price - 0.01,
    ask: price,
    last: price,
    askSize: 10_000,
    bidSize: 10_000,
  });
}

async function expectExact(tenant: TestTenant) {
  const c = await countersCheck(world, tenant.tenantId);
  expect(c.actual).toEqual(c.expected);
}

async function sessionsAfter(b: Bridge, n: number) {
  await waitFor(() => b.ready && b.broker.sessions > n, 'a new reconciled session', 30_000);
}

describe('orderStatus is not guaranteed', () => {
  it('fills seen only through execDetails still fill the order, once', async () => {
    const tenant = await world.tenant();
    world.gateway.control.omitOrderStatus(1);
    const id = await placeOrder(world, tenant, {
      symbol: 'NVDA',
      side: 'buy',
      quantity: '7',
      type: 'limit',
      limitPrice: '130',
    });
    const order = await orderIn(world, tenant, id, 'filled');
    expect(order.filledQuantity).toBe('7');
    expect((await world.store.fills(tenant.tenantId)).map((f) => f.quantity.toFixed())).toEqual(['7']);
    await expectExact(tenant);
  });
});

describe('statuses repeat and arrive out of order', () => {
  it('a status delayed past its fills, and the repeated Filled, change nothing more', async () => {
    const tenant = await world.tenant();
    world.gateway.control.delayOrderStatus(1, 150);
    const id = await placeOrder(world, tenant, {
      symbol: 'NVDA',
      side: 'buy',
      quantity: '3',
      type: 'limit',
      limitPrice: '130',
    });
    await orderIn(world, tenant, id, 'filled');
    // The late PreSubmitted/Submitted must not move a filled order back.
    await new Promise((r) => setTimeout(r, 400));
    const order = await getOrder(world, tenant, id);
    expect(order.status).toBe('filled');
    const types = await eventTypes(world, tenant, id);
    expect(types.filter((t) => t === 'order.filled')).toHaveLength(1);
    expect(types).not.toContain('order.submitted');
  });

  it('a stop order waits in PreSubmitted: submitted here, and fills once triggered', async () => {
    const tenant = await world.tenant();
    const id = await placeOrder(world, tenant, {
      symbol: 'IBM',
      side: 'buy',
      quantity: '2',
      type: 'stop',
      stopPrice: '210',
      timeInForce: 'gtc',
    });
    await orderIn(world, tenant, id, 'submitted');
    expect(world.gateway.control.orders().find((o) => o.orderRef === id)?.status).toBe('PreSubmitted');
    cross('IBM', 211);
    await orderIn(world, tenant, id, 'filled');
    await expectExact(tenant);
  });
});

describe('an order in PendingCancel can still fill', () => {
  it('the fill wins over the cancel: filled, the refusal (10148) changes nothing', async () => {
    const tenant = await world.tenant();
    const id = await placeOrder(world, tenant, resting('AMZN', '150'));
    await orderIn(world, tenant, id, 'submitted');
    world.gateway.control.fillWhilePendingCancel(1);
    await world.api.request('POST', `/api/v1/orders/${id}/cancel`, { headers: tenant.headers('trader') });
    const order = await orderIn(world, tenant, id, 'filled');
    expect(order.filledQuantity).toBe('10');
    expect((await getOrder(world, tenant, id)).status).toBe('filled');
    expect(await eventTypes(world, tenant, id)).toEqual(
      expect.arrayContaining(['order.cancel_requested', 'order.filled']),
    );
    await expectExact(tenant);
  });
});

describe('Inactive is not dropped; rejections end the order with the broker reason', () => {
  it.each([
    [201, 'Order rejected - reason:margin'],
    [460, 'Order rejected by the exchange'],
  ])('error %i then Inactive → rejected with the reason', async (code, reason) => {
    const tenant = await world.tenant();
    world.gateway.control.rejectNextOrder(code, reason.replace('Order rejected - reason:', ''));
    const id = await placeOrder(world, tenant, resting('GOOGL', '150'));
    const order = await orderIn(world, tenant, id, 'rejected');
    expect(order.rejectReason).toContain(code === 201 ? 'margin' : reason);
    expect(order.rejectCode).toBe(`IB_${code}`);
    await expectExact(tenant);
    expect((await countersCheck(world, tenant.tenantId)).actual.openOrders).toBe(0);
  });

  it('error 200 (no security definition) rejects the order', async () => {
    const tenant = await world.tenant();
    const id = await placeOrder(world, tenant, {
      symbol: 'ZZZZ',
      side: 'buy',
      quantity: '1',
      type: 'limit',
      limitPrice: '10',
    });
    const order = await orderIn(world, tenant, id, 'rejected');
    expect(order.rejectCode).toBe('IB_200');
    expect(order.rejectReason).toContain('No security definition');
    await expectExact(tenant);
  });

  it('10147 (order to cancel not found) ends a pending cancel as cancelled', async () => {
    const tenant = await world.tenant();
    const id = await placeOrder(world, tenant, resting('GOOGL', '140'));
    const working = await orderIn(world, tenant, id, 'submitted');
    await world.api.request('POST', `/api/v1/orders/${id}/cancel`, { headers: tenant.headers('trader') });
    // What the gateway answers when it no longer knows the id (e.g. after it lost its book).
    bridge.router.onOrderError(
      working.brokerOrderId,
      10147,
      `OrderId ${working.brokerOrderId} that needs to be cancelled is not found.`,
    );
    const order = await orderIn(world, tenant, id, 'cancelled');
    expect(order.status).toBe('cancelled');
    await expectExact(tenant);
  });
});

describe('informational errors are not cancellations', () => {
  it('2109 from the gateway and an injected 10349 leave the order working', async () => {
    const tenant = await world.tenant();
    world.gateway.control.setTradingHours(false);
    try {
      const id = await placeOrder(world, tenant, {
        symbol: 'TSLA',
        side: 'buy',
        quantity: '1',
        type: 'stop',
        stopPrice: '300',
        outsideRth: true,
        timeInForce: 'gtc',
      });
      const working = await orderIn(world, tenant, id, 'submitted');
      bridge.router.onOrderError(
        working.brokerOrderId,
        10349,
        'Order TIF was set to DAY based on order preset.',
      );
      await new Promise((r) => setTimeout(r, 300));
      expect((await getOrder(world, tenant, id)).status).toBe('submitted');
      await world.api.request('POST', `/api/v1/orders/${id}/cancel`, { headers: tenant.headers('trader') });
      await orderIn(world, tenant, id, 'cancelled');
    } finally {
      world.gateway.control.setTradingHours(true);
    }
  });
});

describe('executions during a disconnect are seen by asking again', () => {
  it('after 1100 … 1101: a fill during the outage is applied once', async () => {
    const tenant = await world.tenant();
    const id = await placeOrder(world, tenant, resting('SPY', '500'));
    await orderIn(world, tenant, id, 'submitted');
    const reconciled = bridge.reconciliations;
    world.gateway.control.connectivityLost();
    await waitFor(() => !bridge.ready, 'bridge not ready during 1100');
    cross('SPY', 499);
    expect(world.gateway.control.orders().find((o) => o.orderRef === id)?.status).toBe('Filled');
    world.gateway.control.connectivityRestored(true);
    await waitFor(() => bridge.reconciliations > reconciled && bridge.ready, 'reconciled after 1101');
    const order = await orderIn(world, tenant, id, 'filled');
    expect(order.filledQuantity).toBe('10');
    expect(await world.store.fills(tenant.tenantId)).toHaveLength(1);
    await expectExact(tenant);
  });

  it('after a dropped socket: reconnects, asks again, fills applied once, orders placed meanwhile go out once', async () => {
    const tenant = await world.tenant();
    const id = await placeOrder(world, tenant, resting('SPY', '480'));
    await orderIn(world, tenant, id, 'submitted');
    const sessions = bridge.broker.sessions;
    world.gateway.control.dropConnections();
    cross('SPY', 479);
    const during = await placeOrder(world, tenant, {
      symbol: 'SPY',
      side: 'sell',
      quantity: '4',
      type: 'limit',
      limitPrice: '470',
    });
    await sessionsAfter(bridge, sessions);
    await orderIn(world, tenant, id, 'filled');
    await orderIn(world, tenant, during, 'filled');
    expect(world.gateway.control.placementsByOrderRef()[during]).toEqual({ placed: 1, modified: 0 });
    const position = (await world.store.positions(tenant.tenantId)).find((p) => p.symbol === 'SPY');
    expect(position?.quantity.toFixed()).toBe('6');
    await expectExact(tenant);
  });
});

describe('a connection lost while reconciling', () => {
  it('settles nothing on what the dropped session said: live orders stay live', async () => {
    const tenant = await world.tenant();
    const id = await placeOrder(world, tenant, resting('IBM', '100'));
    await orderIn(world, tenant, id, 'submitted');
    // The socket drops, and a new session begins, while the reconciliation of the previous one
    // is still applying the broker's replies (as when many executions come back at once).
    const router = bridge.router;
    const idle = router.idle.bind(router);
    let armed = true;
    router.idle = async (timeoutMs?: number) => {
      if (armed) {
        armed = false;
        const sessions = bridge.broker.sessions;
        world.gateway.control.dropConnections();
        await waitFor(() => bridge.broker.sessions > sessions, 'a new session');
      }
      return idle(timeoutMs);
    };
    try {
      const sessions = bridge.broker.sessions;
      world.gateway.control.dropConnections();
      await waitFor(() => !armed, 'the reconciliation interrupted');
      await sessionsAfter(bridge, sessions + 1);
    } finally {
      router.idle = idle;
    }
    expect(world.gateway.control.orders().find((o) => o.orderRef === id)?.status).toBe('Submitted');
    expect((await getOrder(world, tenant, id)).status).toBe('submitted');
    expect(await eventTypes(world, tenant, id)).not.toContain('order.cancelled');
  });

  it('a settle decided in one session is dropped once the next begins', async () => {
    const tenant = await world.tenant();
    const id = await placeOrder(world, tenant, resting('IBM', '101'));
    await orderIn(world, tenant, id, 'submitted');
    const route = await world.store.routeOfOrderRef(id);
    if (!route) throw new Error('no route');
    // A repeated status keeps the order's actor busy, so the settle queued behind it runs only
    // after the new session has begun (as when a reconnect lands while the actor works).
    bridge.router.onOrderStatus(route.brokerOrderId, 'Submitted', 0, undefined);
    bridge.router.settle(route);
    bridge.router.newSession();
    await bridge.router.idle();
    expect((await getOrder(world, tenant, id)).status).toBe('submitted');
    // Put the bridge's view of the broker back in step with a real session.
    const sessions = bridge.broker.sessions;
    world.gateway.control.dropConnections();
    await sessionsAfter(bridge, sessions);
    expect((await getOrder(world, tenant, id)).status).toBe('submitted');
  });
});

describe('after a gateway restart nextValidId can be lower than ids used before', () => {
  it('the bridge never reuses an id (no 103): ids are persisted and only grow', async () => {
    const tenant = await world.tenant();
    const before = await placeOrder(world, tenant, {
      symbol: 'AAPL',
      side: 'buy',
      quantity: '1',
      type: 'limit',
      limitPrice: '200',
    });
    const first = await orderIn(world, tenant, before, 'filled');
    const sessions = bridge.broker.sessions;
    await world.gateway.control.restart({ nextValidId: 1 });
    await sessionsAfter(bridge, sessions);
    const after = await placeOrder(world, tenant, {
      symbol: 'AAPL',
      side: 'buy',
      quantity: '1',
      type: 'limit',
      limitPrice: '200',
    });
    const second = await orderIn(world, tenant, after, 'filled');
    expect(second.brokerOrderId).toBeGreaterThan(first.brokerOrderId);
    expect(world.gateway.control.placements().filter((p) => p.outcome === 103)).toEqual([]);
  });

  it('a new bridge process (same client id) continues above the stored ids', async () => {
    const tenant = await world.tenant();
    const id1 = await placeOrder(world, tenant, {
      symbol: 'AAPL',
      side: 'buy',
      quantity: '1',
      type: 'limit',
      limitPrice: '200',
    });
    const o1 = await orderIn(world, tenant, id1, 'filled');
    await bridge.stop();
    await world.gateway.control.restart({ nextValidId: 1 });
    bridge = await world.startBridge();
    await waitFor(() => bridge.ready, 'new bridge ready');
    const id2 = await placeOrder(world, tenant, {
      symbol: 'AAPL',
      side: 'buy',
      quantity: '1',
      type: 'limit',
      limitPrice: '200',
    });
    const o2 = await orderIn(world, tenant, id2, 'filled');
    expect(o2.brokerOrderId).toBeGreaterThan(o1.brokerOrderId);
    expect(world.gateway.control.placements().filter((p) => p.outcome === 103)).toEqual([]);
  });
});

describe('orders entered in TWS by hand have orderId 0 and are known only by permId', () => {
  it('are flagged (by permId), never adopted into a tenant, and their fills touch no tenant position', async () => {
    const tenant = await world.tenant();
    const manual = world.gateway.control.enterManualOrder({
      symbol: 'MSFT',
      action: 'BUY',
      quantity: 3,
      lmtPrice: 300,
    });
    const sessions = bridge.broker.sessions;
    world.gateway.control.dropConnections();
    await sessionsAfter(bridge, sessions);
    const flagged = await waitFor(async () => {
      const all = await world.store.foreignOrders();
      return all.find((f) => f.permId === manual.permId);
    }, 'manual order flagged');
    expect(flagged).toMatchObject({ permId: manual.permId, source: 'openOrder' });
    expect(await world.store.positions(tenant.tenantId)).toEqual([]);
  });
});

describe('a DAY order at the end of the session', () => {
  it('expires', async () => {
    const tenant = await world.tenant();
    const id = await placeOrder(world, tenant, {
      symbol: 'GOOGL',
      side: 'sell',
      quantity: '1',
      type: 'limit',
      limitPrice: '180',
    });
    await orderIn(world, tenant, id, 'submitted');
    world.gateway.control.endSession();
    const order = await orderIn(world, tenant, id, 'expired');
    expect(order.status).toBe('expired');
    await expectExact(tenant);
  });
});

describe('exactly once', () => {
  it('a redelivered place command places nothing again', async () => {
    const tenant = await world.tenant();
    const id = await placeOrder(world, tenant, resting('AMZN', '120'));
    const order = await orderIn(world, tenant, id, 'submitted');
    const { SqsOrderQueue } = await import('../../../adapters/sqs/order-queue.ts');
    const queue = new SqsOrderQueue(world.api.resources.sqs, world.api.resources.queueUrls.orders);
    // A different version makes a new deduplication id: SQS delivers it as a new message.
    await queue.send({ kind: 'place', tenantId: tenant.tenantId, orderId: id, version: order.version + 100 });
    await waitFor(() => bridge.consumer.handled > 0 && bridge.consumer.inFlight === 0, 'queue drained');
    await new Promise((r) => setTimeout(r, 300));
    expect(world.gateway.control.placementsByOrderRef()[id]).toEqual({ placed: 1, modified: 0 });
  });

  it('an order claimed by a bridge that died before placing is placed once by the next', async () => {
    const tenant = await world.tenant();
    await bridge.stop();
    const id = await placeOrder(world, tenant, resting('AMZN', '121'));
    // What the dead bridge left: the claim (IB order id, order.routed), nothing at the broker.
    const stored = await world.store.getOrder(tenant.tenantId, id);
    await world.store.claim(stored!, 999_999, bridge.config.ib.clientId, new Date().toISOString());
    bridge = await world.startBridge();
    await waitFor(() => bridge.ready, 'bridge ready');
    await orderIn(world, tenant, id, 'submitted');
    await waitFor(() => bridge.consumer.inFlight === 0, 'queue drained');
    expect(world.gateway.control.placementsByOrderRef()[id]).toEqual({ placed: 1, modified: 0 });
    const types = await eventTypes(world, tenant, id);
    expect(types.filter((t) => t === 'order.routed')).toHaveLength(2);
    expect((await getOrder(world, tenant, id)).brokerOrderId).not.toBe(999_999);
  });
});

/**
 * Acceptance 1: an order through the API, the bridge and the paper gateway: placed (orderRef =
 * our id), filled; the order, position, P&L and risk counters follow; events reach the bus.
 * Cancel and modify likewise.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Decimal } from 'decimal.js';
import { eventBus, rules } from '../../core/topology.ts';
import { startEventRouter, type EventRouter } from '../../local/event-router/router.ts';
import {
  bridgeWorld,
  countersCheck,
  eventTypes,
  orderIn,
  placeOrder,
  waitFor,
  type BridgeWorld,
} from '../integration/bridge/harness.ts';
import type { Bridge } from '../../ib-bridge/bridge.ts';
import type { TestTenant } from '../support/tenants.ts';

let world: BridgeWorld;
let bridge: Bridge;
let bus: EventRouter;
let tenant: TestTenant;

beforeAll(async () => {
  world = await bridgeWorld();
  bus = await startEventRouter({ rules, busName: eventBus.name, deliver: async () => undefined });
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
  bridge = await world.startBridge({ drainOutbox: true });
  await waitFor(() => bridge.ready, 'bridge ready');
  tenant = await world.tenant();
});
afterAll(async () => {
  await world.close();
  await bus.close();
});

function published(type: string, match: (detail: Record<string, unknown>) => boolean) {
  return bus.published().filter((e) => e['detail-type'] === type && match(e.detail));
}

describe('an order through the bridge', () => {
  it('is placed once with orderRef = order id and filled; order, position, P&L, counters and events follow', async () => {
    const id = await placeOrder(world, tenant, {
      symbol: 'AAPL',
      side: 'buy',
      quantity: '10',
      type: 'limit',
      limitPrice: '200',
    });
    const order = await orderIn(world, tenant, id, 'filled');
    const gatewayOrder = world.gateway.control.orders().find((o) => o.orderRef === id);
    expect(gatewayOrder).toMatchObject({ status: 'Filled', filled: 10, clientId: bridge.config.ib.clientId });
    expect(order).toMatchObject({
      filledQuantity: '10',
      remainingQuantity: '0',
      brokerOrderId: gatewayOrder?.orderId,
    });
    expect(new Decimal(order.averageFillPrice).toNumber()).toBeCloseTo(gatewayOrder!.avgFillPrice, 6);
    expect(world.gateway.control.placementsByOrderRef()[id]).toEqual({ placed: 1, modified: 0 });
    expect(await eventTypes(world, tenant, id)).toEqual(
      expect.arrayContaining(['order.accepted', 'order.routed', 'order.filled']),
    );

    const execs = world.gateway.control.executions().filter((e) => e.orderRef === id);
    const commission = execs.reduce((s, e) => s.plus(e.commission), new Decimal(0));
    const positions = await waitFor(async () => {
      const res = await world.api.request('GET', '/api/v1/positions', { headers: tenant.headers('viewer') });
      return res.body.items[0]?.commissions === commission.toFixed() ? res.body.items : undefined;
    }, 'commission applied');
    expect(positions).toEqual([
      expect.objectContaining({ symbol: 'AAPL', quantity: '10', realizedPnl: commission.neg().toFixed() }),
    ]);

    await waitFor(
      () => published('order.filled', (d) => d.orderId === id).length > 0,
      'order.filled on the bus',
    );
    // The commission is charged with its fill or just after it: the last position.changed has both.
    await waitFor(
      () =>
        published(
          'position.changed',
          (d) =>
            d.tenantId === tenant.tenantId && d.quantity === '10' && d.commissions === commission.toFixed(),
        ).length >= 1,
      'position.changed on the bus with the fill and its commission',
    );
    const c = await countersCheck(world, tenant.tenantId);
    expect(c.actual).toEqual(c.expected);
  });

  it('realizes P&L on a closing sell, net of commissions, and GET /pnl/today reports it', async () => {
    const id = await placeOrder(world, tenant, {
      symbol: 'AAPL',
      side: 'sell',
      quantity: '4',
      type: 'limit',
      limitPrice: '180',
    });
    await orderIn(world, tenant, id, 'filled');
    const execs = world.gateway.control
      .executions()
      .filter((e) => e.symbol === 'AAPL' && e.clientId === bridge.config.ib.clientId);
    const commissions = execs.reduce((s, e) => s.plus(e.commission), new Decimal(0));
    const pnl = await waitFor(async () => {
      const res = await world.api.request('GET', '/api/v1/pnl/today', { headers: tenant.headers('viewer') });
      return res.body.commissions === commissions.toFixed() ? res.body : undefined;
    }, 'commissions in the day P&L');
    const buys = execs.filter((e) => e.side === 'BOT');
    const avg = buys.reduce((s, e) => s.plus(new Decimal(e.price).times(e.shares)), new Decimal(0)).div(10);
    const sells = execs.filter((e) => e.side === 'SLD');
    const gross = sells.reduce(
      (s, e) => s.plus(new Decimal(e.price).minus(avg).times(e.shares)),
      new Decimal(0),
    );
    expect(pnl).toMatchObject({ fills: execs.length, realizedPnl: gross.minus(commissions).toFixed() });
    expect(pnl.bySymbol).toEqual([
      expect.objectContaining({ symbol: 'AAPL', position: '6', boughtQuantity: '10', soldQuantity: '4' }),
    ]);
    const c = await countersCheck(world, tenant.tenantId);
    expect(c.actual).toEqual(c.expected);
  });

  it('cancels a working order at the broker and releases its reservation', async () => {
    const id = await placeOrder(world, tenant, {
      symbol: 'MSFT',
      side: 'buy',
      quantity: '5',
      type: 'limit',
      limitPrice: '300',
    });
    await orderIn(world, tenant, id, 'submitted');
    let c = await countersCheck(world, tenant.tenantId);
    expect(c.actual.openOrders).toBe(1);
    const res = await world.api.request('POST', `/api/v1/orders/${id}/cancel`, {
      headers: tenant.headers('trader'),
    });
    expect(res.status).toBe(202);
    await orderIn(world, tenant, id, 'cancelled');
    expect(world.gateway.control.orders().find((o) => o.orderRef === id)?.status).toBe('Cancelled');
    await waitFor(
      () => published('order.cancelled', (d) => d.orderId === id).length > 0,
      'order.cancelled on the bus',
    );
    c = await countersCheck(world, tenant.tenantId);
    expect(c.actual).toEqual(c.expected);
    expect(c.actual.openOrders).toBe(0);
  });

  it('modifies a working order at the broker (same IB id) and sets the reservation to the new terms', async () => {
    const id = await placeOrder(world, tenant, {
      symbol: 'MSFT',
      side: 'buy',
      quantity: '5',
      type: 'limit',
      limitPrice: '300',
    });
    await orderIn(world, tenant, id, 'submitted');
    const res = await world.api.request('PATCH', `/api/v1/orders/${id}`, {
      body: { quantity: '8', limitPrice: '301' },
      headers: tenant.headers('trader'),
    });
    expect(res.status).toBe(202);
    const replaced = await waitFor(async () => {
      const types = await eventTypes(world, tenant, id);
      return types.includes('order.replaced') ? types : undefined;
    }, 'order.replaced');
    expect(replaced).toContain('order.replace_requested');
    const order = await orderIn(world, tenant, id, 'submitted');
    expect(order).toMatchObject({ quantity: '8', limitPrice: '301' });
    expect(world.gateway.control.orders().find((o) => o.orderRef === id)).toMatchObject({
      totalQuantity: 8,
      lmtPrice: 301,
    });
    expect(world.gateway.control.placementsByOrderRef()[id]).toEqual({ placed: 1, modified: 1 });
    await waitFor(
      () => published('order.replaced', (d) => d.orderId === id).length > 0,
      'order.replaced on the bus',
    );
    const c = await countersCheck(world, tenant.tenantId);
    expect(c.actual).toEqual(c.expected);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  bridgeWorld,
  eventTypes,
  orderIn,
  placeOrder,
  waitFor,
  type BridgeWorld,
} from '../integration/bridge/harness.ts';
import type { Bridge } from '../../ib-bridge/bridge.ts';

let world: BridgeWorld;
let bridge: Bridge;
beforeAll(async () => {
  world = await bridgeWorld();
  bridge = await world.startBridge();
  await waitFor(() => bridge.ready, 'bridge ready');
});
afterAll(() => world.close());

describe('an order through the bridge', () => {
  it('is placed at the gateway with orderRef = order id, filled, and the position and P&L follow', async () => {
    const tenant = await world.tenant();
    const id = await placeOrder(world, tenant, {
      symbol: 'AAPL',
      side: 'buy',
      quantity: '10',
      type: 'limit',
      limitPrice: '200',
    });
    const order = await orderIn(world, tenant, id, 'filled');
    expect(order.filledQuantity).toBe('10');
    expect(world.gateway.control.placementsByOrderRef()[id]).toEqual({ placed: 1, modified: 0 });
    expect(await eventTypes(world, tenant, id)).toEqual(
      expect.arrayContaining(['order.accepted', 'order.routed', 'order.filled']),
    );
    const positions = await world.store.positions(tenant.tenantId);
    expect(positions.map((p) => [p.symbol, p.quantity.toFixed()])).toEqual([['AAPL', '10']]);
  });
});

/**
 * Trailing stops and GTD orders through the HTTP API, the bridge and the paper gateway
 * (acceptance 4 of "Instruments and order types").
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  bridgeWorld,
  countersCheck,
  eventTypes,
  orderIn,
  placeOrder,
  waitFor,
  type BridgeWorld,
} from './harness.ts';
import { postOrder } from '../../support/orders.ts';

let world: BridgeWorld;

beforeAll(async () => {
  world = await bridgeWorld({ seed: 5 });
  const bridge = await world.startBridge();
  await waitFor(() => bridge.ready, 'bridge ready');
});
afterAll(() => world.close());

function setLast(symbol: string, last: number) {
  world.gateway.control.setPrice(symbol, {
    bid: Number((last - 0.01).toFixed(2)),
    ask: Number((last + 0.01).toFixed(2)),
    last,
    bidSize: 10_000,
    askSize: 10_000,
  });
}

const atGateway = (id: string) => world.gateway.control.orders().find((o) => o.orderRef === id);

describe('trailing stops', () => {
  it('the stop follows the market at the gateway and the order fills when it is crossed', async () => {
    setLast('IBM', 200);
    const tenant = await world.tenant({ referencePrices: { IBM: '200' } });
    const id = await placeOrder(world, tenant, {
      symbol: 'IBM',
      side: 'sell',
      quantity: '5',
      type: 'trailing_stop',
      trailAmount: '1.50',
      timeInForce: 'gtc',
    });
    const submitted = await orderIn(world, tenant, id, 'submitted');
    expect(submitted).toMatchObject({ type: 'trailing_stop', trailAmount: '1.5', stopPrice: null });
    expect(atGateway(id)).toMatchObject({ orderType: 'TRAIL', auxPrice: 1.5, trailStopPrice: 198.5 });

    setLast('IBM', 204);
    expect(atGateway(id)).toMatchObject({ status: 'PreSubmitted', trailStopPrice: 202.5 });
    setLast('IBM', 203); // a dip above the stop: the stop stays
    expect(atGateway(id)).toMatchObject({ status: 'PreSubmitted', trailStopPrice: 202.5 });

    setLast('IBM', 202.4);
    const filled = await orderIn(world, tenant, id, 'filled');
    expect(filled).toMatchObject({ filledQuantity: '5', averageFillPrice: '202.39' });
    expect(await eventTypes(world, tenant, id)).toEqual(
      expect.arrayContaining(['order.accepted', 'order.submitted', 'order.filled']),
    );
    const c = await countersCheck(world, tenant.tenantId);
    expect(c.actual).toEqual(c.expected);
  });

  it('a trailing stop by percent with an initial stop goes out as IB expects it', async () => {
    setLast('MSFT', 400);
    const tenant = await world.tenant();
    const id = await placeOrder(world, tenant, {
      symbol: 'MSFT',
      side: 'buy',
      quantity: '1',
      type: 'trailing_stop',
      trailPercent: '1',
      stopPrice: '402',
      timeInForce: 'gtc',
    });
    await orderIn(world, tenant, id, 'submitted');
    expect(atGateway(id)).toMatchObject({ orderType: 'TRAIL', trailingPercent: 1, trailStopPrice: 402 });
    setLast('MSFT', 390); // 390 + 1% = 393.90
    expect(atGateway(id)).toMatchObject({ trailStopPrice: 393.9 });
    setLast('MSFT', 394);
    await orderIn(world, tenant, id, 'filled');
  });

  it('refuses a trailing stop without a trail, and one with both', async () => {
    const tenant = await world.tenant();
    const order = { symbol: 'MSFT', side: 'buy', quantity: '1', type: 'trailing_stop' };
    for (const body of [order, { ...order, trailAmount: '1', trailPercent: '1' }]) {
      const res = await postOrder(world.api, tenant, body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('exactly one of trailAmount and trailPercent');
    }
  });
});

describe('good till date', () => {
  it('works until expireAt on the gateway clock, then is expired', async () => {
    const tenant = await world.tenant();
    const now = world.gateway.control.clock().now;
    // IB's goodTillDate has whole seconds.
    const expireAt = new Date(Math.ceil(now / 1000) * 1000 + 60_000).toISOString();
    const id = await placeOrder(world, tenant, {
      symbol: 'AMZN',
      side: 'buy',
      quantity: '1',
      type: 'limit',
      limitPrice: '100',
      timeInForce: 'gtd',
      expireAt,
    });
    const submitted = await orderIn(world, tenant, id, 'submitted');
    expect(submitted).toMatchObject({ timeInForce: 'gtd', expireAt });
    expect(atGateway(id)).toMatchObject({ tif: 'GTD', goodTillDate: Date.parse(expireAt) });

    world.gateway.control.setClock(Date.parse(expireAt) - 1000);
    expect(atGateway(id)?.status).toBe('Submitted');
    world.gateway.control.setClock(Date.parse(expireAt));
    const expired = await orderIn(world, tenant, id, 'expired');
    expect(expired.status).toBe('expired');
    const c = await countersCheck(world, tenant.tenantId);
    expect(c.actual).toEqual(c.expected);
  });

  it('needs expireAt with gtd, and only with gtd', async () => {
    const tenant = await world.tenant();
    const order = { symbol: 'AMZN', side: 'buy', quantity: '1', type: 'limit', limitPrice: '100' };
    const missing = await postOrder(world.api, tenant, { ...order, timeInForce: 'gtd' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('expireAt is required');
    const stray = await postOrder(world.api, tenant, { ...order, expireAt: '2030-01-01T00:00:00Z' });
    expect(stray.status).toBe(400);
  });
});

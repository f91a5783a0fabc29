/**
 * Order classes through the HTTP API, the bridge and the paper gateway (acceptance 3 of
 * "Instruments and order types"): a bracket's legs go to IB as IB requires (parent and
 * take-profit held with transmit=false, children with parentId, the last leg transmits), IB's
 * OCA logic ends the other exit, cancelling the parent takes the legs, OCO legs share an OCA group.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bridgeWorld, countersCheck, getOrder, orderIn, waitFor, type BridgeWorld } from './harness.ts';
import { postOrder } from '../../support/orders.ts';
import type { TestTenant } from '../../support/tenants.ts';

let world: BridgeWorld;

beforeAll(async () => {
  world = await bridgeWorld({ seed: 14 });
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

async function placeGroup(tenant: TestTenant, body: Record<string, unknown>) {
  const res = await postOrder(world.api, tenant, body);
  if (res.status !== 201) throw new Error(`POST /orders → ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as { id: string; groupId: string; legs: Array<{ id: string; groupRole: string }> };
}

async function auditOf(tenant: TestTenant, id: string) {
  const res = await world.api.request('GET', `/api/v1/orders/${id}/events`, {
    headers: tenant.headers('trader'),
  });
  return res.body.items as Array<{ type: string; data: { order?: Record<string, unknown> } }>;
}

const bracket = (symbol: string, entry: number, tp: number, sl: number) => ({
  orderClass: 'bracket',
  symbol,
  side: 'buy',
  quantity: '10',
  type: 'limit',
  limitPrice: String(entry),
  timeInForce: 'gtc',
  takeProfit: { limitPrice: String(tp) },
  stopLoss: { stopPrice: String(sl) },
});

describe('a bracket at IB', () => {
  it('entry fills, take-profit fills, IB cancels the stop-loss; every leg is linked in its audit trail', async () => {
    setLast('IBM', 200);
    const tenant = await world.tenant({ referencePrices: { IBM: '200' } });
    const placed = await placeGroup(tenant, bracket('IBM', 199, 205, 190));
    const [entry, tp, sl] = placed.legs.map((l) => l.id) as [string, string, string];
    expect(placed.id).toBe(entry);
    expect(placed.groupId).toBe(entry);
    expect(placed.legs.map((l) => l.groupRole)).toEqual(['entry', 'take_profit', 'stop_loss']);

    for (const id of [entry, tp, sl]) await orderIn(world, tenant, id, 'submitted');
    const [gEntry, gTp, gSl] = [atGateway(entry), atGateway(tp), atGateway(sl)];
    expect(gEntry?.parentKey).toBeUndefined();
    expect(gTp?.parentKey).toBe(gEntry?.key);
    expect(gSl?.parentKey).toBe(gEntry?.key);
    expect(gTp).toMatchObject({ action: 'SELL', orderType: 'LMT', lmtPrice: 205, totalQuantity: 10 });
    expect(gSl).toMatchObject({ action: 'SELL', orderType: 'STP', auxPrice: 190, totalQuantity: 10 });
    // IB's order: the parent, then its children; only the last went out with transmit=true.
    const refs = world.gateway.control.placements().map((p) => p.orderRef);
    expect(refs.filter((r) => [entry, tp, sl].includes(r))).toEqual([entry, tp, sl]);

    setLast('IBM', 198.5);
    await orderIn(world, tenant, entry, 'filled');
    setLast('IBM', 205.5);
    expect(await orderIn(world, tenant, tp, 'filled')).toMatchObject({ filledQuantity: '10' });
    const cancelled = await orderIn(world, tenant, sl, 'cancelled');
    expect(cancelled).toMatchObject({ groupId: entry, parentId: entry, orderClass: 'bracket' });

    for (const id of [entry, tp, sl]) {
      const audit = await auditOf(tenant, id);
      expect(audit.length).toBeGreaterThan(1);
      for (const e of audit) {
        expect(e.data.order).toMatchObject({
          groupId: entry,
          orderClass: 'bracket',
          legIds: [entry, tp, sl],
        });
        expect(e.data.order?.parentId).toBe(id === entry ? null : entry);
      }
    }
    const positions = await world.api.request('GET', '/api/v1/positions', {
      headers: tenant.headers('trader'),
    });
    const ibm = (positions.body.items as Array<{ symbol: string; quantity: string }>).find(
      (p) => p.symbol === 'IBM',
    );
    expect(ibm?.quantity ?? '0').toBe('0');
    const c = await countersCheck(world, tenant.tenantId);
    expect(c.actual).toEqual(c.expected);
  }, 120_000);

  it('cancelling the parent before it fills cancels all three legs', async () => {
    setLast('MSFT', 400);
    const tenant = await world.tenant({ referencePrices: { MSFT: '400' } });
    const placed = await placeGroup(tenant, bracket('MSFT', 390, 410, 380));
    const ids = placed.legs.map((l) => l.id);
    for (const id of ids) await orderIn(world, tenant, id, 'submitted');

    const res = await world.api.request('POST', `/api/v1/orders/${placed.id}/cancel`, {
      headers: tenant.headers('trader'),
    });
    expect(res.status).toBe(202);
    for (const id of ids) await orderIn(world, tenant, id, 'cancelled');
    for (const id of ids) expect(atGateway(id)?.status).toBe('Cancelled');
    const c = await countersCheck(world, tenant.tenantId);
    expect(c.actual).toEqual(c.expected);
    expect(c.actual.openOrders).toBe(0);
  }, 120_000);

  it('an exit cannot be modified alone: its risk is the group’s', async () => {
    setLast('AMZN', 180);
    const tenant = await world.tenant({ referencePrices: { AMZN: '180' } });
    const placed = await placeGroup(tenant, { ...bracket('AMZN', 175, 190, 170) });
    const tp = placed.legs[1]?.id as string;
    const res = await world.api.request('PATCH', `/api/v1/orders/${tp}`, {
      body: { limitPrice: '191' },
      headers: tenant.headers('trader'),
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ORDER_GROUP_LEG_NOT_MODIFIABLE');
    expect((await getOrder(world, tenant, tp)).limitPrice).toBe('190');
  }, 120_000);
});

describe('an OCO group at IB', () => {
  it('the legs share an OCA group of type 1: one fills, IB cancels the other', async () => {
    setLast('NVDA', 100);
    const tenant = await world.tenant({ referencePrices: { NVDA: '100' } });
    const leg = { symbol: 'NVDA', side: 'sell', quantity: '5', timeInForce: 'gtc' };
    const placed = await placeGroup(tenant, {
      orderClass: 'oco',
      legs: [
        { ...leg, type: 'limit', limitPrice: '104' },
        { ...leg, type: 'stop', stopPrice: '96' },
      ],
    });
    const [limit, stop] = placed.legs.map((l) => l.id) as [string, string];
    for (const id of [limit, stop]) await orderIn(world, tenant, id, 'submitted');
    const [gLimit, gStop] = [atGateway(limit), atGateway(stop)];
    expect(gLimit?.ocaGroup).toBe(`oms-${limit}`);
    expect(gStop).toMatchObject({ ocaGroup: `oms-${limit}`, ocaType: 1 });
    expect(gStop?.parentKey).toBeUndefined();

    setLast('NVDA', 104.5);
    await orderIn(world, tenant, limit, 'filled');
    expect(await orderIn(world, tenant, stop, 'cancelled')).toMatchObject({
      orderClass: 'oco',
      groupId: limit,
    });
    const c = await countersCheck(world, tenant.tenantId);
    expect(c.actual).toEqual(c.expected);
  }, 120_000);
});

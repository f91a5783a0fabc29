/**
 * Order groups through POST /orders against DynamoDB Local and the SQS emulator: one transaction
 * per group, the group's worst case against the counting limits (acceptance 6 of "Instruments
 * and order types": for random groups, accepted exposure never exceeds the limits, 40 at once).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Dec } from '../../../core/money.ts';
import { orderContribution } from '../../../core/risk/exposure.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { postOrder, setLimits } from '../../support/orders.ts';
import { TestExecutionStore } from '../../support/execution-reads.ts';

let api: TestApi;
let store: TestExecutionStore;
beforeAll(async () => {
  api = await startTestApi();
  store = new TestExecutionStore(api.resources.dynamo as DynamoDBClient, api.resources.tableName);
});
afterAll(() => api.close());

const UNLIMITED = {
  maxOrderQuantity: null,
  maxOrderNotional: null,
  maxPositionQuantity: null,
  maxGrossExposure: null,
  maxOpenOrders: null,
  maxOrdersPerSecond: null,
  priceCollarPercent: null,
  dailyLossLimit: null,
};

async function tenantWith(limits: Record<string, unknown>): Promise<TestTenant> {
  const tenant = await createTestTenant(api);
  await setLimits(api, tenant, { ...UNLIMITED, ...limits });
  return tenant;
}

const bracket = (overrides: Record<string, unknown> = {}) => ({
  orderClass: 'bracket',
  symbol: 'AAPL',
  side: 'buy',
  quantity: '10',
  type: 'limit',
  limitPrice: '100',
  takeProfit: { limitPrice: '105' },
  stopLoss: { stopPrice: '95' },
  ...overrides,
});

const get = (tenant: TestTenant, id: string) =>
  api.request('GET', `/api/v1/orders/${id}`, { headers: tenant.headers('trader') });

describe('placing a group', () => {
  it('a bracket is three orders, linked, answered as the entry with its legs', async () => {
    const tenant = await tenantWith({});
    const res = await postOrder(api, tenant, bracket({ clientOrderId: 'b-1' }));
    expect(res.status).toBe(201);
    const legs = res.body.legs as Array<Record<string, unknown>>;
    expect(legs).toHaveLength(3);
    const [entry, tp, sl] = legs.map((l) => l.id as string) as [string, string, string];
    expect(res.body).toMatchObject({
      id: entry,
      clientOrderId: 'b-1',
      orderClass: 'bracket',
      groupId: entry,
    });
    expect(legs[1]).toMatchObject({ side: 'sell', type: 'limit', limitPrice: '105', parentId: entry });
    expect(legs[2]).toMatchObject({ side: 'sell', type: 'stop', stopPrice: '95', parentId: entry });
    for (const [id, role, parentId] of [
      [entry, 'entry', null],
      [tp, 'take_profit', entry],
      [sl, 'stop_loss', entry],
    ] as const) {
      const order = await get(tenant, id);
      expect(order.body).toMatchObject({
        status: 'pending_new',
        orderClass: 'bracket',
        groupId: entry,
        groupRole: role,
        parentId,
        legIds: [entry, tp, sl],
      });
      const events = await api.request('GET', `/api/v1/orders/${id}/events`, {
        headers: tenant.headers('trader'),
      });
      expect(events.body.items[0]).toMatchObject({
        type: 'order.accepted',
        data: { order: { groupId: entry } },
      });
    }
  });

  it("a bracket's exits never count twice: the entry's notional, position and three open orders", async () => {
    const tenant = await tenantWith({
      maxGrossExposure: '1000',
      maxPositionQuantity: '10',
      maxOpenOrders: 6,
    });
    expect((await postOrder(api, tenant, bracket())).status).toBe(201);
    const counters = await store.riskCounters(tenant.tenantId, ['AAPL']);
    expect(counters.openOrders).toBe(3);
    expect(counters.exposure.toFixed()).toBe('1000');
    expect(counters.bySymbol.AAPL?.maxLong.toFixed()).toBe('10');
    expect(counters.bySymbol.AAPL?.maxShort.toFixed()).toBe('0');
    const full = await postOrder(api, tenant, bracket());
    expect(full.status).toBe(422);
    expect(full.body.code).toBe('RISK_MAX_GROSS_EXPOSURE');
    expect((full.body.legs as Array<{ status: string }>).map((l) => l.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
    ]);
  });

  it('an OCO group counts its largest leg once', async () => {
    const tenant = await tenantWith({ maxGrossExposure: '1000' });
    const leg = { symbol: 'MSFT', side: 'sell', quantity: '5', timeInForce: 'gtc' };
    const res = await postOrder(api, tenant, {
      orderClass: 'oco',
      legs: [
        { ...leg, type: 'limit', limitPrice: '200' },
        { ...leg, type: 'stop', stopPrice: '180' },
      ],
    });
    expect(res.status).toBe(201);
    const counters = await store.riskCounters(tenant.tenantId, ['MSFT']);
    expect(counters.exposure.toFixed()).toBe('1000');
    expect(counters.bySymbol.MSFT?.maxShort.toFixed()).toBe('5');
    expect(counters.openOrders).toBe(2);
  });

  it('a group that breaks a limit on its own is refused whole', async () => {
    const tenant = await tenantWith({ maxOpenOrders: 2 });
    const res = await postOrder(api, tenant, bracket());
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('RISK_MAX_OPEN_ORDERS');
    const ids = (res.body.legs as Array<{ id: string }>).map((l) => l.id);
    for (const id of ids) expect((await get(tenant, id)).body.status).toBe('rejected');
    expect((await store.riskCounters(tenant.tenantId, ['AAPL'])).openOrders).toBe(0);
  });

  it('one Idempotency-Key covers the whole group', async () => {
    const tenant = await tenantWith({});
    const key = randomUUID();
    const first = await postOrder(api, tenant, bracket(), { key });
    const again = await postOrder(api, tenant, bracket(), { key });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await postOrder(api, tenant, bracket({ quantity: '11' }), { key });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const list = await api.request('GET', '/api/v1/orders', { headers: tenant.headers('trader') });
    expect(list.body.items).toHaveLength(3);
  });

  it.each([
    [
      'a bracket without its stop-loss',
      bracket({ stopLoss: undefined }),
      'takes both takeProfit and stopLoss',
    ],
    ['an oto with both exits', bracket({ orderClass: 'oto' }), 'exactly one of takeProfit and stopLoss'],
    [
      'a take-profit under the stop-loss',
      bracket({ limitPrice: '90', takeProfit: { limitPrice: '85' } }),
      'takeProfit.limitPrice must be above',
    ],
    ['an ioc entry', bracket({ timeInForce: 'ioc' }), 'cannot be ioc'],
    [
      'oco legs on two symbols',
      {
        orderClass: 'oco',
        legs: [
          { symbol: 'AAPL', side: 'sell', quantity: '1', type: 'limit', limitPrice: '110' },
          { symbol: 'MSFT', side: 'sell', quantity: '1', type: 'stop', stopPrice: '90' },
        ],
      },
      'one symbol',
    ],
    ['exits on a simple order', { ...bracket(), orderClass: 'simple' }, 'takeProfit'],
  ])('refuses %s with 400, storing nothing', async (_what, body, message) => {
    const tenant = await tenantWith({});
    const res = await postOrder(api, tenant, body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(message);
    const list = await api.request('GET', '/api/v1/orders', { headers: tenant.headers('trader') });
    expect(list.body.items).toHaveLength(0);
  });
});

/** A random group body and the worst case it can add (what risk must count). */
const groupArb = fc
  .record({
    kind: fc.constantFrom('bracket', 'oto', 'oco'),
    side: fc.constantFrom('buy', 'sell'),
    quantity: fc.integer({ min: 1, max: 30 }),
    other: fc.integer({ min: 1, max: 30 }),
    price: fc.integer({ min: 90, max: 110 }),
    spread: fc.integer({ min: 1, max: 8 }),
    symbol: fc.constantFrom('AAPL', 'MSFT'),
  })
  .map((g) => {
    const buy = g.side === 'buy';
    const up = (d: number) => String(buy ? g.price + d : g.price - d);
    const down = (d: number) => String(buy ? g.price - d : g.price + d);
    const entry = { symbol: g.symbol, side: g.side, quantity: String(g.quantity), type: 'limit' };
    if (g.kind === 'oco') {
      const exit = { symbol: g.symbol, side: g.side, timeInForce: 'gtc' };
      return {
        orderClass: 'oco',
        legs: [
          { ...exit, quantity: String(g.quantity), type: 'limit', limitPrice: String(g.price) },
          { ...exit, quantity: String(g.other), type: 'stop', stopPrice: down(g.spread) },
        ],
      };
    }
    return {
      ...entry,
      orderClass: g.kind,
      limitPrice: String(g.price),
      takeProfit: { limitPrice: up(g.spread) },
      ...(g.kind === 'bracket' ? { stopLoss: { stopPrice: down(g.spread) } } : {}),
    };
  });

describe('property: accepted exposure never exceeds the limits, 40 groups at once', () => {
  it('for random groups and limits, the counters stay within every limit and equal what they stand for', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(groupArb, { minLength: 40, maxLength: 40 }),
        fc.record({
          exposure: fc.integer({ min: 500, max: 20_000 }),
          position: fc.integer({ min: 10, max: 200 }),
          open: fc.integer({ min: 3, max: 60 }),
        }),
        async (groups, limits) => {
          const tenant = await tenantWith({
            maxGrossExposure: String(limits.exposure),
            maxPositionQuantity: String(limits.position),
            maxOpenOrders: limits.open,
          });
          const responses = await Promise.all(groups.map((g) => postOrder(api, tenant, g)));
          for (const r of responses) expect([201, 422]).toContain(r.status);
          const working = await store.orders.workingOrders(tenant.tenantId);
          const accepted = responses.filter((r) => r.status === 201);
          expect(working).toHaveLength(accepted.reduce((n, r) => n + (r.body.legs as unknown[]).length, 0));
          const counters = await store.riskCounters(tenant.tenantId, ['AAPL', 'MSFT']);
          expect(counters.exposure.lte(limits.exposure)).toBe(true);
          expect(counters.openOrders).toBeLessThanOrEqual(limits.open);
          // The counters are exactly what the accepted legs reserve: nothing lost, nothing doubled.
          let exposure = new Dec(0);
          const long: Record<string, Dec> = { AAPL: new Dec(0), MSFT: new Dec(0) };
          const short: Record<string, Dec> = { AAPL: new Dec(0), MSFT: new Dec(0) };
          for (const o of working) {
            const c = orderContribution(o);
            exposure = exposure.plus(c.exposure);
            long[o.symbol] = (long[o.symbol] as Dec).plus(c.maxLong);
            short[o.symbol] = (short[o.symbol] as Dec).plus(c.maxShort);
          }
          expect(counters.exposure.toFixed()).toBe(exposure.toFixed());
          expect(counters.openOrders).toBe(working.length);
          for (const s of ['AAPL', 'MSFT']) {
            const held = counters.bySymbol[s];
            expect((held?.maxLong ?? new Dec(0)).toFixed()).toBe((long[s] as Dec).toFixed());
            expect((held?.maxShort ?? new Dec(0)).toFixed()).toBe((short[s] as Dec).toFixed());
            expect((held?.maxLong ?? new Dec(0)).lte(limits.position)).toBe(true);
            expect((held?.maxShort ?? new Dec(0)).lte(limits.position)).toBe(true);
          }
          // Refusals are the counting limits' own, never a lost race or a failure.
          for (const r of responses.filter((x) => x.status === 422)) {
            expect(['RISK_MAX_GROSS_EXPOSURE', 'RISK_MAX_POSITION', 'RISK_MAX_OPEN_ORDERS']).toContain(
              r.body.code,
            );
          }
        },
      ),
      { numRuns: 3, seed: 1406 },
    );
  }, 240_000);
});

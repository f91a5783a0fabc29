/**
 * Acceptance 6 of "Instruments and order types", for instruments: random orders on contracts with
 * multipliers (a future ×50, an option ×100) and plain stocks, 40 at once, never take the gross
 * exposure past its limit, and the counters equal quantity × price × multiplier of what was
 * accepted. The contracts come from the instrument cache, so qualification needs no bridge.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Dec } from '../../../core/money.ts';
import type { InstrumentDetails } from '../../../core/instruments/details.ts';
import { DynamoInstrumentCache } from '../../../adapters/dynamodb/instrument-cache.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { postOrder, setLimits } from '../../support/orders.ts';
import { TestExecutionStore } from '../../support/execution-reads.ts';

const FUTURE: InstrumentDetails = {
  conId: 900_000_001,
  secType: 'FUT',
  symbol: 'ES',
  localSymbol: 'ESZ6',
  exchange: 'CME',
  currency: 'USD',
  multiplier: 50,
  minTick: 0.25,
  lastTradeDate: '20261218',
  description: 'E-mini S&P 500 202612',
};
const OPTION: InstrumentDetails = {
  conId: 900_000_002,
  secType: 'OPT',
  symbol: 'MSFT',
  localSymbol: 'MSFT  261218C00400000',
  exchange: 'SMART',
  currency: 'USD',
  multiplier: 100,
  minTick: 0.01,
  lastTradeDate: '20261218',
  strike: 400,
  right: 'C',
  description: 'MSFT Dec18 400 Call',
};
const CONTRACTS = [
  { body: { conId: FUTURE.conId }, key: `ES:${FUTURE.conId}`, multiplier: 50 },
  { body: { instrument: { conId: OPTION.conId } }, key: `MSFT:${OPTION.conId}`, multiplier: 100 },
  { body: { symbol: 'AAPL' }, key: 'AAPL', multiplier: 1 },
];

let api: TestApi;
let store: TestExecutionStore;
beforeAll(async () => {
  api = await startTestApi();
  store = new TestExecutionStore(api.resources.dynamo as DynamoDBClient, api.resources.tableName);
  const cache = new DynamoInstrumentCache(api.resources.dynamo as DynamoDBClient, api.resources.tableName);
  await Promise.all([cache.put(FUTURE, 3600), cache.put(OPTION, 3600)]);
});
afterAll(() => api.close());

async function tenantWith(exposure: number): Promise<TestTenant> {
  const tenant = await createTestTenant(api);
  await setLimits(api, tenant, {
    maxOrderQuantity: null,
    maxOrderNotional: null,
    maxPositionQuantity: null,
    maxGrossExposure: String(exposure),
    maxOpenOrders: null,
    maxOrdersPerSecond: null,
    priceCollarPercent: null,
    dailyLossLimit: null,
  });
  return tenant;
}

const orderArb = fc.record({
  contract: fc.integer({ min: 0, max: CONTRACTS.length - 1 }),
  side: fc.constantFrom('buy', 'sell'),
  quantity: fc.integer({ min: 1, max: 5 }),
  price: fc.integer({ min: 1, max: 200 }),
});

describe('property: orders on contracts with multipliers, 40 at once', () => {
  it('never exceed the gross exposure, counted as quantity × price × multiplier', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(orderArb, { minLength: 40, maxLength: 40 }),
        fc.integer({ min: 1_000, max: 200_000 }),
        async (orders, exposure) => {
          const tenant = await tenantWith(exposure);
          const responses = await Promise.all(
            orders.map((o) =>
              postOrder(api, tenant, {
                ...CONTRACTS[o.contract]!.body,
                side: o.side,
                quantity: String(o.quantity),
                type: 'limit',
                limitPrice: String(o.price),
              }),
            ),
          );
          let expected = new Dec(0);
          responses.forEach((r, i) => {
            expect([201, 422]).toContain(r.status);
            if (r.status === 422) expect(r.body.code).toBe('RISK_MAX_GROSS_EXPOSURE');
            if (r.status !== 201) return;
            const o = orders[i]!;
            expected = expected.plus(new Dec(o.quantity * o.price * CONTRACTS[o.contract]!.multiplier));
          });
          const counters = await store.riskCounters(
            tenant.tenantId,
            CONTRACTS.map((c) => c.key),
          );
          expect(counters.exposure.lte(exposure)).toBe(true);
          expect(counters.exposure.toFixed()).toBe(expected.toFixed());
        },
      ),
      { numRuns: 3, seed: 14 },
    );
  }, 240_000);
});

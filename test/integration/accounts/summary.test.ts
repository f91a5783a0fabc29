/**
 * GET /accounts/{id}/summary end to end: the bridge subscribes to the paper gateway's account
 * values, keeps them in the table as IB pushes them, and the API shows the tenant's account's
 * values exactly as the gateway states them, before and after a fill. Other tenants see a 404.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoConnectionStore } from '../../../adapters/dynamodb/connection-store.ts';
import { newConnectionId } from '../../../core/connections/model.ts';
import { bridgeWorld, waitFor, type BridgeWorld } from '../bridge/harness.ts';
import type { TestTenant } from '../../support/tenants.ts';

const ACCOUNT = 'DU5550717';
let world: BridgeWorld;
let owner: TestTenant;

beforeAll(async () => {
  world = await bridgeWorld({ account: ACCOUNT });
  owner = await world.tenant();
  const connections = new DynamoConnectionStore(
    DynamoDBDocumentClient.from(world.api.resources.dynamo, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    world.api.resources.tableName,
  );
  const at = new Date().toISOString();
  const connectionId = newConnectionId();
  await connections.create({
    connectionId,
    ownerTenantId: owner.tenantId,
    name: 'paper',
    broker: 'ib',
    live: false,
    gateway: { kind: 'paper' },
    clientId: 7,
    status: 'connecting',
    accounts: [],
    createdAt: at,
    updatedAt: at,
  });
  await connections.reportManagedAccounts(connectionId, [ACCOUNT]);
  await world.startBridge();
});
afterAll(async () => {
  await world.close();
});

const summary = (tenant: TestTenant, account = ACCOUNT) =>
  world.api.request('GET', `/api/v1/accounts/${account}/summary`, { headers: tenant.headers('viewer') });

/** What the summary must say: the gateway's own account values. */
function gatewayValues() {
  const v = world.gateway.control.accountSummary();
  return {
    account: ACCOUNT,
    currency: 'USD',
    netLiquidation: v.NetLiquidation,
    totalCashValue: v.TotalCashValue,
    buyingPower: v.BuyingPower,
    initMarginReq: v.InitMarginReq,
    maintMarginReq: v.MaintMarginReq,
    availableFunds: v.AvailableFunds,
  };
}

async function summaryMatchingGateway() {
  return waitFor(async () => {
    const res = await summary(owner);
    if (res.status !== 200) return undefined;
    const { at: _at, ...values } = res.body;
    return JSON.stringify(values) === JSON.stringify(gatewayValues()) ? res.body : undefined;
  }, 'the account summary to match the paper gateway');
}

describe('GET /api/v1/accounts/{id}/summary', () => {
  it("shows the gateway's account values, refreshed after a fill", async () => {
    const before = await summaryMatchingGateway();
    expect(before).toMatchObject({ netLiquidation: expect.stringMatching(/^\d+\.\d{2}$/) });
    expect(before.initMarginReq).toBe('0.00');
    expect(Number.isNaN(Date.parse(before.at))).toBe(false);

    world.gateway.control.enterManualOrder({ symbol: 'AAPL', action: 'BUY', quantity: 100 });
    const after = await summaryMatchingGateway();
    expect(after.initMarginReq).not.toBe('0.00');
    expect(after.totalCashValue).not.toBe(before.totalCashValue);
    expect(after).toMatchObject(gatewayValues());
    expect(after.at >= before.at).toBe(true);
  });

  it('is a 404 ACCOUNT_NOT_FOUND for an account the tenant does not own', async () => {
    const other = await world.tenant();
    const res = await summary(other);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ACCOUNT_NOT_FOUND');
    const unknown = await summary(owner, 'DU0000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('ACCOUNT_NOT_FOUND');
  });
});

/**
 * Upgrading a single-connection deployment (docs/connections.md, "Upgrading"): orders stored
 * before connections existed keep being cancelled through the house connection,
 * tenants without accounts keep trading there, the demo tenant's `cdemo` is seeded once and its
 * login's account becomes the demo tenant's default (the second demo tenant's `cdemo2` claims its
 * account when seeded); with no house connection configured, a
 * tenant without an account of its own is refused.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoConnectionStore } from '../../../adapters/dynamodb/connection-store.ts';
import { DEMO_CONNECTION_ID } from '../../../core/connections/model.ts';
import { orderKeys } from '../../../core/store/keys.ts';
import { env } from '../../../core/topology.ts';
import { resolveOrderRoute } from '../../../core/connections/service.ts';
import { paperAccountId } from '../../../local/connections.ts';
import { DEMO_TENANT, SECOND_DEMO_CONNECTION_ID, SECOND_DEMO_TENANT } from '../../../local/identity/seed.ts';
import { seedDemoConnection, seedSecondDemoConnection } from '../../../local/seed-connection.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { drainQueue, limitOrder, postOrder } from '../../support/orders.ts';
import { createTestTenant } from '../../support/tenants.ts';

let api: TestApi;
let doc: DynamoDBDocumentClient;
let store: DynamoConnectionStore;

beforeAll(async () => {
  api = await startTestApi();
  doc = DynamoDBDocumentClient.from(api.resources.dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  store = new DynamoConnectionStore(doc, api.resources.tableName);
});
afterAll(() => api.close());
afterEach(() => {
  delete process.env[env.houseConnection];
});

/** Makes a stored order look as it did before connections: no connectionId. */
async function asBeforeConnections(tenantId: string, orderId: string): Promise<void> {
  await doc.send(
    new UpdateCommand({
      TableName: api.resources.tableName,
      Key: orderKeys.order(tenantId, orderId),
      UpdateExpression: 'REMOVE connectionId',
    }),
  );
}

describe('upgrading from one connection', () => {
  it('cancels orders stored before connections through the house connection', async () => {
    const t = await createTestTenant(api);
    const working = await postOrder(api, t, limitOrder());
    await drainQueue(api.resources.sqs, api.resources.queueUrls.orders);
    await asBeforeConnections(t.tenantId, working.body.id);
    const old = await api.request('GET', `/api/v1/orders/${working.body.id}`, {
      headers: t.headers('viewer'),
    });
    expect(old.body.connectionId).toBeUndefined();

    const cancel = await api.request('POST', `/api/v1/orders/${working.body.id}/cancel`, {
      headers: t.headers('trader'),
    });
    expect(cancel.status).toBe(202);
    const queued = await drainQueue(api.resources.sqs, api.resources.queueUrls.orders);
    expect(queued.filter((m) => m.tenantId === t.tenantId)).toEqual([
      {
        kind: 'cancel',
        tenantId: t.tenantId,
        orderId: working.body.id,
        connectionId: DEMO_CONNECTION_ID,
        version: 2,
      },
    ]);
  });

  it('seeds the demo connection once; its login’s account becomes the demo tenant’s default', async () => {
    const first = await seedDemoConnection(store, new Date('2026-12-01T00:00:00Z'));
    const again = await seedDemoConnection(store, new Date('2026-12-02T00:00:00Z'));
    expect(again).toEqual(first);
    expect(first).toMatchObject({
      connectionId: 'cdemo',
      ownerTenantId: DEMO_TENANT,
      gateway: { kind: 'paper' },
      live: false,
      status: 'connecting',
    });
    await store.reportManagedAccounts(DEMO_CONNECTION_ID, ['DU1234567']);
    expect(await store.getDefaultAccount(DEMO_TENANT)).toBe('DU1234567');
    expect(await store.getAccount('DU1234567')).toMatchObject({
      tenantId: DEMO_TENANT,
      connectionId: 'cdemo',
    });
  });

  it('seeds the second demo tenant’s connection once, its account claimed at once, so it never trades on the house connection', async () => {
    const first = await seedSecondDemoConnection(store, new Date('2026-12-01T00:00:00Z'));
    const again = await seedSecondDemoConnection(store, new Date('2026-12-02T00:00:00Z'));
    expect(again).toEqual(first);
    const account = paperAccountId(SECOND_DEMO_CONNECTION_ID);
    expect(first).toMatchObject({
      connectionId: SECOND_DEMO_CONNECTION_ID,
      ownerTenantId: SECOND_DEMO_TENANT,
      gateway: { kind: 'paper' },
      accounts: [account],
    });
    expect(await store.getDefaultAccount(SECOND_DEMO_TENANT)).toBe(account);
    expect(await resolveOrderRoute(store, SECOND_DEMO_TENANT, undefined, DEMO_CONNECTION_ID)).toEqual({
      account,
      connectionId: SECOND_DEMO_CONNECTION_ID,
    });
  });

  it('refuses a tenant without accounts once no house connection is configured', async () => {
    const t = await createTestTenant(api);
    process.env[env.houseConnection] = '';
    const res = await postOrder(api, t, limitOrder());
    expect([res.status, res.body.code]).toEqual([422, 'ACCOUNT_NOT_FOUND']);
    delete process.env[env.houseConnection];
    expect((await postOrder(api, t, limitOrder())).status).toBe(201);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { outboxEntry } from '../../../core/events/outbox.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { limitOrder, postOrder, setLimits } from '../../support/orders.ts';
import { DynamoOrderStore } from '../../../adapters/dynamodb/order-store.ts';
import { DynamoQuoteSource } from '../../../adapters/dynamodb/quote-source.ts';
import { SqsOrderQueue } from '../../../adapters/sqs/order-queue.ts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoConnectionStore } from '../../../adapters/dynamodb/connection-store.ts';
import { StoreOrderRouter } from '../../../adapters/dynamodb/order-routes.ts';
import { placeOrder, type OrderDeps } from '../../../core/orders/service.ts';
import { riskKeys } from '../../../core/store/keys.ts';
import { tradingDay } from '../../../core/risk/checks.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** Every counting limit off, so a test switches on only the one it is about. */
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

async function burst(tenant: TestTenant, n: number, body: (i: number) => Record<string, unknown>) {
  const responses = await Promise.all(Array.from({ length: n }, (_, i) => postOrder(api, tenant, body(i))));
  const accepted = responses.filter((r) => r.status === 201);
  const rejected = responses.filter((r) => r.status === 422);
  expect(accepted.length + rejected.length).toBe(n);
  return { accepted, codes: new Set(rejected.map((r) => r.body.code as string)) };
}

describe('counting limits hold under concurrency', () => {
  it('maxOpenOrders = 10: 50 concurrent orders, exactly 10 accepted', async () => {
    const tenant = await tenantWith({ maxOpenOrders: 10 });
    const { accepted, codes } = await burst(tenant, 50, () => limitOrder());
    expect(accepted).toHaveLength(10);
    expect(codes).toEqual(new Set(['RISK_MAX_OPEN_ORDERS']));
  });

  it('maxGrossExposure = 10 orders worth: 50 concurrent orders, exactly 10 accepted', async () => {
    const tenant = await tenantWith({ maxGrossExposure: '10000' }); // each order: 10 × 100
    const { accepted, codes } = await burst(tenant, 50, () => limitOrder());
    expect(accepted).toHaveLength(10);
    expect(codes).toEqual(new Set(['RISK_MAX_GROSS_EXPOSURE']));
  });

  it('maxPositionQuantity per symbol counts working orders: 50 concurrent buys of 10 under 100, exactly 10 accepted', async () => {
    const tenant = await tenantWith({ maxPositionQuantity: '100' });
    const { accepted, codes } = await burst(tenant, 50, () => limitOrder());
    expect(accepted).toHaveLength(10);
    expect(codes).toEqual(new Set(['RISK_MAX_POSITION']));
    // The other side and other symbols have their own room.
    expect((await postOrder(api, tenant, limitOrder({ side: 'sell', quantity: '100' }))).status).toBe(201);
    expect((await postOrder(api, tenant, limitOrder({ symbol: 'MSFT', quantity: '100' }))).status).toBe(201);
  });

  it('maxOrdersPerSecond = 5: 50 concurrent orders in one second, exactly 5 accepted', async () => {
    const tenant = await tenantWith({ maxOrdersPerSecond: 5 });
    const { dynamo, sqs, tableName, queueUrls } = api.resources;
    const second = new Date('2026-03-02T15:00:00.250Z');
    const deps: OrderDeps = {
      store: new DynamoOrderStore(dynamo, tableName),
      queue: new SqsOrderQueue(sqs, queueUrls.orders),
      quotes: new DynamoQuoteSource(dynamo, tableName),
      routes: new StoreOrderRouter(new DynamoConnectionStore(DynamoDBDocumentClient.from(dynamo), tableName)),
      now: () => second,
    };
    const actor = { tenantId: tenant.tenantId, principal: 'user:rate-test' };
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => placeOrder(deps, actor, randomUUID(), limitOrder())),
    );
    expect(outcomes.filter((o) => o.status === 201)).toHaveLength(5);
    const rejected = outcomes.filter((o) => o.status === 422).map((o) => (o.body as { code: string }).code);
    expect(new Set(rejected)).toEqual(new Set(['RISK_MAX_ORDER_RATE']));
    // The next second has its own budget.
    const next = { ...deps, now: () => new Date('2026-03-02T15:00:01.100Z') };
    expect((await placeOrder(next, actor, randomUUID(), limitOrder())).status).toBe(201);
  });
});

describe('each limit just under and just over', () => {
  it('max open orders: the 2nd of 2 passes, the 3rd fails; a cancel frees nothing until the broker confirms', async () => {
    const tenant = await tenantWith({ maxOpenOrders: 2 });
    expect((await postOrder(api, tenant, limitOrder())).status).toBe(201);
    expect((await postOrder(api, tenant, limitOrder())).status).toBe(201);
    expect((await postOrder(api, tenant, limitOrder())).body.code).toBe('RISK_MAX_OPEN_ORDERS');
  });

  it('gross exposure: exactly at the limit passes, one cent over fails', async () => {
    const tenant = await tenantWith({ maxGrossExposure: '2000' });
    expect((await postOrder(api, tenant, limitOrder({ quantity: '10', limitPrice: '100' }))).status).toBe(
      201,
    );
    expect(
      (await postOrder(api, tenant, limitOrder({ quantity: '10', limitPrice: '100.01' }))).body.code,
    ).toBe('RISK_MAX_GROSS_EXPOSURE');
    expect((await postOrder(api, tenant, limitOrder({ quantity: '10', limitPrice: '100' }))).status).toBe(
      201,
    );
  });

  it('position: exactly at the limit passes, above fails', async () => {
    const tenant = await tenantWith({ maxPositionQuantity: '25' });
    expect((await postOrder(api, tenant, limitOrder({ quantity: '20' }))).status).toBe(201);
    expect((await postOrder(api, tenant, limitOrder({ quantity: '5.0001' }))).body.code).toBe(
      'RISK_MAX_POSITION',
    );
    expect((await postOrder(api, tenant, limitOrder({ quantity: '5' }))).status).toBe(201);
  });

  it('daily loss: a loss short of the limit passes, at the limit fails', async () => {
    const tenant = await tenantWith({ dailyLossLimit: '1000' });
    const setPnl = (value: string) =>
      api.resources.dynamo.send(
        new PutItemCommand({
          TableName: api.resources.tableName,
          Item: {
            pk: { S: riskKeys.dailyPnl(tenant.tenantId, tradingDay(new Date())).pk },
            sk: { S: riskKeys.dailyPnl(tenant.tenantId, tradingDay(new Date())).sk },
            realizedPnl: { N: value },
          },
        }),
      );
    await setPnl('-999.99');
    expect((await postOrder(api, tenant, limitOrder())).status).toBe(201);
    await setPnl('-1000');
    expect((await postOrder(api, tenant, limitOrder())).body.code).toBe('RISK_DAILY_LOSS_LIMIT');
  });

  it('kill switch: engaged rejects new orders, cancels working ones, and still lets cancels through', async () => {
    const tenant = await tenantWith({});
    const working = (await postOrder(api, tenant, limitOrder())).body.id as string;
    const other = (await postOrder(api, tenant, limitOrder())).body.id as string;
    const traderTry = await api.request('POST', '/api/v1/risk/kill-switch', {
      body: { engaged: true, reason: 'x' },
      headers: tenant.headers('trader'),
    });
    expect(traderTry.status).toBe(403);
    const engaged = await api.request('POST', '/api/v1/risk/kill-switch', {
      body: { engaged: true, reason: 'runaway strategy', cancelWorkingOrders: false },
      headers: tenant.headers('admin'),
    });
    expect(engaged.status).toBe(200);
    expect(engaged.body).toMatchObject({ engaged: true, reason: 'runaway strategy', cancelledOrders: 0 });
    const denied = await postOrder(api, tenant, limitOrder());
    expect(denied.status).toBe(422);
    expect(denied.body.code).toBe('RISK_KILL_SWITCH');
    const cancel = await api.request('POST', `/api/v1/orders/${working}/cancel`, {
      headers: tenant.headers('trader'),
    });
    expect(cancel.status).toBe(202);

    const withCancel = await api.request('POST', '/api/v1/risk/kill-switch', {
      body: { engaged: true, reason: 'again' },
      headers: tenant.headers('admin'),
    });
    expect(withCancel.body.cancelledOrders).toBe(1);
    expect(
      (await api.request('GET', `/api/v1/orders/${other}`, { headers: tenant.headers('viewer') })).body
        .status,
    ).toBe('pending_cancel');
    await api.request('POST', '/api/v1/risk/kill-switch', {
      body: { engaged: false, reason: 'resolved' },
      headers: tenant.headers('admin'),
    });
    expect((await postOrder(api, tenant, limitOrder())).status).toBe(201);
  });

  it('engaging or releasing the kill switch puts a risk.kill_switch event in the outbox', async () => {
    const tenant = await tenantWith({});
    for (const engaged of [true, false]) {
      const res = await api.request('POST', '/api/v1/risk/kill-switch', {
        body: { engaged, reason: engaged ? 'halt' : 'resume' },
        headers: tenant.headers('admin'),
      });
      expect(res.status).toBe(200);
    }
    const key = riskKeys.event(tenant.tenantId, 'x');
    const { Items = [] } = await api.resources.dynamo.send(
      new QueryCommand({
        TableName: api.resources.tableName,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: key.pk } },
        ConsistentRead: true,
      }),
    );
    const entries = Items.map((item) => outboxEntry(unmarshall(item)));
    expect(entries).toEqual([
      {
        detailType: 'risk.kill_switch',
        detail: expect.objectContaining({
          tenantId: tenant.tenantId,
          type: 'risk.kill_switch',
          data: { engaged: true, reason: 'halt' },
        }),
      },
      {
        detailType: 'risk.kill_switch',
        detail: expect.objectContaining({ data: { engaged: false, reason: 'resume' } }),
      },
    ]);
    expect(Items.every((item) => item.gsi3pk?.S?.startsWith('OUTBOX#'))).toBe(true);
  });

  it('limits are validated and only admins change them', async () => {
    const tenant = await createTestTenant(api);
    const bad = await api.request('PUT', '/api/v1/risk/limits', {
      body: { maxOpenOrders: -1 },
      headers: tenant.headers('admin'),
    });
    expect(bad.status).toBe(400);
    const trader = await api.request('PUT', '/api/v1/risk/limits', {
      body: {},
      headers: tenant.headers('trader'),
    });
    expect(trader.status).toBe(403);
    const read = await api.request('GET', '/api/v1/risk/limits', { headers: tenant.headers('viewer') });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      maxOpenOrders: 500,
      maxOrderNotional: '1000000',
      marketOrderWithoutPrice: 'reject',
    });
  });
});

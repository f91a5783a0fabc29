/**
 * The broker request/reply channel through the HTTP API, a real bridge and the paper gateway:
 * instrument search and details (cached per conId), order preview (IB's what-if, nothing stored),
 * and BROKER_TIMEOUT when no bridge answers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { bridgeWorld, waitFor, type BridgeWorld } from '../bridge/harness.ts';
import type { TestTenant } from '../../support/tenants.ts';
import type { Bridge } from '../../../ib-bridge/bridge.ts';
import { BROKER_REQUEST_WAIT_ENV } from '../../../core/broker/config.ts';
import { brokerKeys } from '../../../core/store/keys.ts';
import { askBroker } from '../../../core/broker/service.ts';
import { QueueBrokerRequestChannel } from '../../../adapters/sqs/broker-requests.ts';
import { ConnectionOrderQueue } from '../../../adapters/sqs/connection-queues.ts';
import { DynamoBrokerReplyStore } from '../../../adapters/dynamodb/broker-replies.ts';

let world: BridgeWorld;
let bridge: Bridge;
let tenant: TestTenant;

beforeAll(async () => {
  // Generous: a loaded machine must not turn a slow answer into a failed test.
  process.env[BROKER_REQUEST_WAIT_ENV] = '15000';
  world = await bridgeWorld({ seed: 11 });
  bridge = await world.startBridge();
  await waitFor(() => bridge.ready, 'bridge ready');
  tenant = await world.tenant({ referencePrices: { AAPL: '190' } });
});
afterAll(async () => {
  delete process.env[BROKER_REQUEST_WAIT_ENV];
  await world.close();
});

const get = (path: string, t: TestTenant = tenant, role = 'viewer') =>
  world.api.request('GET', path, { headers: t.headers(role as never) });

/** Every item whose partition key starts with the tenant's. */
async function tenantItems(tenantId: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await world.api.resources.dynamo.send(
      new ScanCommand({
        TableName: world.api.resources.tableName,
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': { S: `T#${tenantId}` } },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items;
}

describe('instruments', () => {
  it('searches by symbol through IB matching symbols', async () => {
    const res = await get('/api/v1/instruments?query=AAPL');
    expect(res.status).toBe(200);
    const aapl = res.body.items.find((i: { symbol: string }) => i.symbol === 'AAPL');
    expect(aapl).toMatchObject({ conId: 265598, secType: 'STK', currency: 'USD' });
    expect(aapl.description).toEqual(expect.any(String));
  });

  it('filters by secType, and answers an empty list for contracts the broker does not know', async () => {
    const stocks = await get('/api/v1/instruments?query=AAPL&secType=STK');
    expect(stocks.status).toBe(200);
    expect(stocks.body.items.every((i: { secType: string }) => i.secType === 'STK')).toBe(true);
    const futures = await get('/api/v1/instruments?query=ZZZZ&secType=FUT');
    expect(futures.status).toBe(200);
    expect(futures.body.items).toEqual([]);
  });

  it('returns contract details by conId and caches them for every tenant', async () => {
    const res = await get('/api/v1/instruments/265598');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      conId: 265598,
      secType: 'STK',
      symbol: 'AAPL',
      currency: 'USD',
      multiplier: 1,
      minTick: 0.01,
      tradable: true,
    });
    expect(res.body.tradingHours).toEqual(expect.any(String));
    expect(res.body.marketRuleIds).toEqual(expect.arrayContaining([26]));

    const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const { marshall } = await import('@aws-sdk/util-dynamodb');
    const cached = await world.api.resources.dynamo.send(
      new GetItemCommand({
        TableName: world.api.resources.tableName,
        Key: marshall(brokerKeys.instrument(265598)),
      }),
    );
    expect(cached.Item).toBeDefined();
    expect(Number(cached.Item?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000);

    // Another tenant's look-up is served from the cache: the bridge serves no further request.
    const served = bridge.requests?.served ?? 0;
    const other = await world.tenant();
    const again = await get('/api/v1/instruments/265598', other);
    expect(again.status).toBe(200);
    expect(again.body.conId).toBe(265598);
    expect(bridge.requests?.served ?? 0).toBe(served);
  });

  it('answers 404 for an unknown conId, and for one that cannot be a conId', async () => {
    const unknown = await get('/api/v1/instruments/999999991');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('INSTRUMENT_NOT_FOUND');
    const bad = await get('/api/v1/instruments/abc');
    expect(bad.status).toBe(404);
    expect(bad.body.code).toBe('INSTRUMENT_NOT_FOUND');
  });

  it('needs a caller with marketdata:read', async () => {
    const res = await world.api.request('GET', '/api/v1/instruments?query=AAPL');
    expect(res.status).toBe(401);
  });
});

describe('order preview', () => {
  const body = { symbol: 'AAPL', side: 'buy', quantity: '100', type: 'limit', limitPrice: '190.00' };

  it('returns the risk verdict and IB what-if figures, and stores nothing', async () => {
    const before = await tenantItems(tenant.tenantId);
    const placedAtGateway = world.gateway.control.orders().length;
    const res = await world.api.request('POST', '/api/v1/orders/preview', {
      headers: tenant.headers('trader'),
      body,
    });
    expect(res.status).toBe(200);
    expect(res.body.risk).toEqual({ passed: true });
    expect(res.body.notional).toBe('19000');
    expect(res.body.currency).toBe('USD');
    const last = world.gateway.control.quote('AAPL').last;
    expect(Number(res.body.broker.initMarginChange)).toBeCloseTo(0.25 * 100 * last, 1);
    expect(Number(res.body.broker.maintMarginChange)).toBeGreaterThan(0);
    expect(Number(res.body.broker.equityWithLoan)).toBeGreaterThan(0);
    expect(res.body.broker.commission).toEqual({ min: '1', max: '1', currency: 'USD' });

    // No order, idempotency record or exposure: only the broker's short-lived reply is new (and
    // the API rate limiter's window, which counts every request).
    const after = await tenantItems(tenant.tenantId);
    const added = after.filter(
      (a) => !before.some((b) => b.pk === a.pk && b.sk === a.sk) && !String(a.sk).startsWith('RATE#'),
    );
    expect(added).toHaveLength(1);
    const changed = after.filter((a) =>
      before.some((b) => b.pk === a.pk && b.sk === a.sk && JSON.stringify(b) !== JSON.stringify(a)),
    );
    expect(changed.filter((a) => !String(a.sk).startsWith('RATE#'))).toEqual([]);
    expect(
      added.every((item) => String(item.pk).includes('#BREPLY#') && typeof item.expiresAt === 'number'),
    ).toBe(true);
    const list = await get('/api/v1/orders', tenant, 'trader');
    expect(list.body.items).toEqual([]);
    expect(world.gateway.control.orders()).toHaveLength(placedAtGateway);
    expect(world.gateway.control.placements().some((p) => p.outcome === 'what-if')).toBe(true);
  });

  it('reports a risk denial with the broker figures all the same', async () => {
    const strict = await world.tenant({ maxOrderNotional: '1000', referencePrices: { AAPL: '190' } });
    const res = await world.api.request('POST', '/api/v1/orders/preview', {
      headers: strict.headers('trader'),
      body,
    });
    expect(res.status).toBe(200);
    expect(res.body.risk).toMatchObject({ passed: false, code: 'RISK_MAX_NOTIONAL' });
    expect(res.body.risk.detail).toContain('1000');
    expect(Number(res.body.broker.initMarginChange)).toBeGreaterThan(0);
    expect(
      await tenantItems(strict.tenantId).then((items) => items.some((i) => String(i.sk).startsWith('ORDER'))),
    ).toBe(false);
  });

  it('refuses a bad body exactly as POST /orders does', async () => {
    const bad = { ...body, quantity: '-1' };
    const [preview, place] = await Promise.all([
      world.api.request('POST', '/api/v1/orders/preview', { headers: tenant.headers('trader'), body: bad }),
      world.api.request('POST', '/api/v1/orders', {
        headers: { ...tenant.headers('trader'), 'idempotency-key': 'preview-bad-body' },
        body: bad,
      }),
    ]);
    expect(preview.status).toBe(400);
    expect(place.status).toBe(400);
    expect(preview.body.code).toBe(place.body.code);
    expect(preview.body.issues).toEqual(place.body.issues);
    const foreign = await world.api.request('POST', '/api/v1/orders/preview', {
      headers: tenant.headers('trader'),
      body: { ...body, account: 'DU9999999' },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.code).toBe('ACCOUNT_NOT_FOUND');
  });

  it('needs orders:write', async () => {
    const res = await world.api.request('POST', '/api/v1/orders/preview', {
      headers: tenant.headers('viewer'),
      body,
    });
    expect(res.status).toBe(403);
  });
});

describe('the bridge serves only its own connection and accounts', () => {
  const ask = (route: { connectionId: string; account?: string }) =>
    askBroker(
      {
        channel: new QueueBrokerRequestChannel(
          new ConnectionOrderQueue(world.api.resources.sqs, {
            queueUrl: world.api.resources.queueUrls.orders,
            connectionId: route.connectionId,
          }),
        ),
        replies: new DynamoBrokerReplyStore(world.api.resources.dynamo, world.api.resources.tableName),
        waitMs: 15_000,
      },
      { tenantId: tenant.tenantId, ...route },
      { kind: 'matching_symbols', pattern: 'AAPL' },
    );

  it('refuses an account its login does not manage', async () => {
    await expect(ask({ connectionId: 'cdemo', account: 'DU0000001' })).rejects.toMatchObject({
      code: 'BROKER_REQUEST_FAILED',
      message: expect.stringContaining('not one of this connection'),
    });
  });

  it('refuses a request meant for another connection', async () => {
    await expect(ask({ connectionId: 'cother0000000' })).rejects.toMatchObject({
      code: 'BROKER_REQUEST_FAILED',
      message: expect.stringContaining('connection cother0000000'),
    });
  });
});

describe('without a bridge', () => {
  it('answers 504 BROKER_TIMEOUT when nothing comes back in the wait', async () => {
    await bridge.stop();
    process.env[BROKER_REQUEST_WAIT_ENV] = '300';
    const res = await get('/api/v1/instruments?query=MSFT');
    expect(res.status).toBe(504);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'BROKER_TIMEOUT', status: 504, request: 'matching_symbols' });
  });
});

/**
 * Connections and accounts over HTTP: who may create, see and delete a connection, what each
 * viewer is shown, accounts and the default, the operator's shared connection and its one-owner
 * assignments; and orders routed by account: another tenant's account is 422 ACCOUNT_NOT_FOUND
 * with nothing stored or queued, an own account's order carries the account and connection and
 * goes to that connection's queue (or waits for it, and the sweeper sends it when it exists).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoConnectionStore } from '../../../adapters/dynamodb/connection-store.ts';
import { DynamoExecutionStore } from '../../../adapters/dynamodb/execution-store.ts';
import { applyExecution } from '../../../core/bridge/apply.ts';
import { Dec } from '../../../core/money.ts';
import { DynamoSubscriptionStore } from '../../../adapters/dynamodb/subscriptions-store.ts';
import { DynamoQuoteCache } from '../../../adapters/dynamodb/quote-cache.ts';
import { MARKET_DATA_ENV } from '../../../core/marketdata/config.ts';
import { connectionQueueName } from '../../../core/topology.ts';
import { tenantPk } from '../../../core/store/keys.ts';
import { sweepPending } from '../../../functions/orders/sweep.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { drainQueue, limitOrder, postOrder } from '../../support/orders.ts';
import { createTestTenant, operatorToken, type TestTenant } from '../../support/tenants.ts';

let api: TestApi;
let store: DynamoConnectionStore;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  store = new DynamoConnectionStore(
    DynamoDBDocumentClient.from(api.resources.dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    api.resources.tableName,
  );
  [a, b] = await Promise.all([createTestTenant(api), createTestTenant(api)]);
});
afterAll(() => api.close());

const operator = () => ({ authorization: `Bearer ${operatorToken(api)}` });
const account = () => `DU${Math.floor(1e6 + Math.random() * 9e6)}`;

/** A connection of `t` whose login reported `accounts` (what its bridge does on connect). */
async function connectionWith(t: TestTenant, accounts: string[]): Promise<string> {
  const res = await api.request('POST', '/api/v1/connections', {
    headers: t.headers('admin'),
    body: { name: 'paper', gateway: 'paper' },
  });
  expect(res.status).toBe(201);
  await store.reportManagedAccounts(res.body.id, accounts);
  return res.body.id as string;
}

/** What the tenant has stored (rate-limit windows aside), to prove a refusal wrote nothing. */
async function storedItems(t: TestTenant): Promise<string[]> {
  const doc = DynamoDBDocumentClient.from(api.resources.dynamo);
  const { Items = [] } = await doc.send(
    new QueryCommand({
      TableName: api.resources.tableName,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': tenantPk(t.tenantId) },
      ConsistentRead: true,
    }),
  );
  return Items.map((i) => String(i.sk)).filter((sk) => !sk.startsWith('RATE#'));
}

describe('connections', () => {
  it('are created by tenant admins only, seen by their tenant only', async () => {
    for (const role of ['trader', 'viewer'] as const) {
      const res = await api.request('POST', '/api/v1/connections', {
        headers: a.headers(role),
        body: { name: 'x', gateway: 'paper' },
      });
      expect([role, res.status, res.body.code]).toEqual([role, 403, 'FORBIDDEN']);
    }
    const bad = await api.request('POST', '/api/v1/connections', {
      headers: a.headers('admin'),
      body: { name: 'live paper', gateway: 'paper', live: true },
    });
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);

    const created = await api.request('POST', '/api/v1/connections', {
      headers: a.headers('admin'),
      body: { name: 'Desk A', gateway: { host: 'gw.desk-a.internal', port: 4002 }, clientId: 7 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Desk A',
      broker: 'ib',
      live: false,
      shared: false,
      gateway: { kind: 'external', host: 'gw.desk-a.internal', port: 4002 },
      clientId: 7,
      status: 'connecting',
      accounts: [],
      pacing: { limitPerSecond: 50, usedLastMinute: 0 },
      marketDataLines: { inUse: 0, limit: 100 },
    });
    const id = created.body.id as string;
    expect(id).toMatch(/^c[a-z2-7]{12}$/);

    const viewer = await api.request('GET', `/api/v1/connections/${id}`, { headers: a.headers('viewer') });
    expect(viewer.status).toBe(200);
    expect(
      (await api.request('GET', '/api/v1/connections', { headers: a.headers('trader') })).body.items,
    ).toEqual([expect.objectContaining({ id })]);
    const foreign = await api.request('GET', `/api/v1/connections/${id}`, { headers: b.headers('admin') });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'CONNECTION_NOT_FOUND']);
    expect(
      (await api.request('GET', '/api/v1/connections', { headers: b.headers('admin') })).body.items,
    ).toEqual([]);
    const del = await api.request('DELETE', `/api/v1/connections/${id}`, { headers: b.headers('admin') });
    expect(del.status).toBe(404);
  });

  it('show a paper gateway’s control token to the owner’s admins only, and status as the bridge reports it', async () => {
    const id = await connectionWith(a, []);
    const paperGateway = {
      host: '127.0.0.1',
      port: 4100,
      controlUrl: 'http://127.0.0.1:4101',
      controlToken: 'sekret',
    };
    const lastError = { code: 'IB_502', message: 'Couldn’t connect to TWS', at: '2026-12-01T10:00:00.000Z' };
    await store.reportRuntime(id, {
      status: 'error',
      lastError,
      paperGateway,
      pacing: { limitPerSecond: 50, usedLastMinute: 9 },
      marketDataLines: { inUse: 2, limit: 100 },
    });
    const admin = await api.request('GET', `/api/v1/connections/${id}`, { headers: a.headers('admin') });
    expect(admin.body).toMatchObject({
      status: 'error',
      lastError,
      paperGateway,
      pacing: { usedLastMinute: 9 },
      marketDataLines: { inUse: 2 },
    });
    const trader = await api.request('GET', `/api/v1/connections/${id}`, { headers: a.headers('trader') });
    expect(trader.body.status).toBe('error');
    expect(trader.body.paperGateway).toBeUndefined();
    expect(JSON.stringify(trader.body)).not.toContain('sekret');
  });
});

describe('accounts', () => {
  it('lists the tenant’s own accounts; the default moves; another tenant’s is not found', async () => {
    const [x, y] = [account(), account()].sort();
    await connectionWith(a, [x!, y!]);
    const listed = await api.request('GET', '/api/v1/accounts', { headers: a.headers('viewer') });
    expect(listed.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: x, default: true, currency: 'USD' }),
        expect.objectContaining({ id: y, default: false }),
      ]),
    );
    expect(
      (
        await api.request('PATCH', `/api/v1/accounts/${y}`, {
          headers: a.headers('trader'),
          body: { default: true },
        })
      ).status,
    ).toBe(403);
    const patched = await api.request('PATCH', `/api/v1/accounts/${y}`, {
      headers: a.headers('admin'),
      body: { default: true },
    });
    expect(patched.body).toMatchObject({ id: y, default: true });
    const foreign = await api.request('PATCH', `/api/v1/accounts/${y}`, {
      headers: b.headers('admin'),
      body: { default: true },
    });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
    expect(
      (await api.request('GET', '/api/v1/accounts', { headers: b.headers('admin') })).body.items,
    ).not.toContainEqual(expect.objectContaining({ id: y }));
  });

  it('are all listed to the operator, each with its owning tenant and health figures', async () => {
    const [ofA, ofB] = [await connectionWith(a, [account()]), await connectionWith(b, [account()])];
    const listed = await api.request('GET', '/api/v1/connections', { headers: operator() });
    expect(listed.status).toBe(200);
    const byId = new Map((listed.body.items as Array<{ id: string }>).map((c) => [c.id, c]));
    expect(byId.get(ofA)).toMatchObject({
      tenantId: a.tenantId,
      status: 'connecting',
      accounts: [expect.any(String)],
      pacing: { limitPerSecond: 50, usedLastMinute: 0 },
      marketDataLines: { inUse: 0, limit: 100 },
    });
    expect(byId.get(ofB)).toMatchObject({ tenantId: b.tenantId });
    // A tenant's own listing is unchanged: no owner field, and never another tenant's connection.
    const own = (await api.request('GET', '/api/v1/connections', { headers: a.headers('admin') })).body
      .items as Array<Record<string, unknown>>;
    expect(own.map((c) => c.id)).toContain(ofA);
    expect(own.map((c) => c.id)).not.toContain(ofB);
    expect(own.every((c) => !('tenantId' in c))).toBe(true);
  });

  it('of a shared connection are assigned by the operator, each to one tenant', async () => {
    const shared = await api.request('POST', '/api/v1/connections', {
      headers: operator(),
      body: { name: 'Advisor', gateway: 'managed', live: true },
    });
    expect(shared.body).toMatchObject({ shared: true, live: true, gateway: { kind: 'managed' } });
    const [fa1, fa2] = [account(), account()];
    await store.reportManagedAccounts(shared.body.id, [fa1, fa2]);
    const assign = (t: TestTenant, acct: string, headers: Record<string, string> = operator()) =>
      api.request('POST', `/api/v1/tenants/${t.tenantId}/accounts`, {
        headers,
        body: { connectionId: shared.body.id, account: acct },
      });
    expect((await assign(a, fa1, a.headers('admin'))).status).toBe(403);
    const given = await assign(a, fa1);
    expect([given.status, given.body]).toEqual([
      201,
      {
        tenantId: a.tenantId,
        id: fa1,
        connectionId: shared.body.id,
        default: expect.any(Boolean),
        currency: 'USD',
      },
    ]);
    const taken = await assign(b, fa1);
    expect([taken.status, taken.body.code]).toEqual([409, 'ACCOUNT_OWNED']);
    const elsewhere = await api.request('POST', `/api/v1/tenants/${b.tenantId}/accounts`, {
      headers: operator(),
      body: { connectionId: shared.body.id, account: account() },
    });
    expect([elsewhere.status, elsewhere.body.code]).toEqual([409, 'ACCOUNT_NOT_ON_CONNECTION']);
    expect((await assign(b, fa2)).status).toBe(201);
    // The tenant sees the shared connection that carries its account, without its gateway details.
    const seen = await api.request('GET', `/api/v1/connections/${shared.body.id}`, {
      headers: b.headers('viewer'),
    });
    expect(seen.body).toMatchObject({ shared: true, gateway: { kind: 'managed' } });
    expect(
      (await api.request('DELETE', `/api/v1/connections/${shared.body.id}`, { headers: b.headers('admin') }))
        .status,
    ).toBe(403);
  });
});

describe('orders by account', () => {
  it('refuse another tenant’s account with 422 ACCOUNT_NOT_FOUND, storing and queueing nothing', async () => {
    const tenantA = await createTestTenant(api);
    const tenantB = await createTestTenant(api);
    const [accountA, accountB] = [account(), account()];
    await connectionWith(tenantA, [accountA]);
    await connectionWith(tenantB, [accountB]);
    const before = await storedItems(tenantA);
    for (const named of [accountB, 'DU9999999']) {
      const res = await postOrder(api, tenantA, limitOrder({ account: named }));
      expect([res.status, res.body.code, res.body.account]).toEqual([422, 'ACCOUNT_NOT_FOUND', named]);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(await storedItems(tenantA)).toEqual(before);
    expect(
      (await api.request('GET', '/api/v1/orders', { headers: tenantA.headers('viewer') })).body.items,
    ).toEqual([]);
    const queued = await drainQueue(api.resources.sqs, api.resources.queueUrls.orders);
    expect(queued.filter((m) => m.tenantId === tenantA.tenantId)).toEqual([]);
  });

  it('go to the connection of the named (or default) account; an absent queue leaves them for the sweeper', async () => {
    const t = await createTestTenant(api);
    const [own, other] = [account(), account()].sort();
    const connectionId = await connectionWith(t, [own!, other!]);
    const placed = await postOrder(api, t, limitOrder({ account: other }));
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ account: other, connectionId, status: 'pending_new' });
    const byDefault = await postOrder(api, t, limitOrder());
    expect(byDefault.body).toMatchObject({ account: own, connectionId });

    // The connection's queue is not there yet: both orders wait on the pending list.
    const { QueueUrl } = await api.resources.sqs.send(
      new CreateQueueCommand({
        QueueName: connectionQueueName(connectionId),
        Attributes: { FifoQueue: 'true' },
      }),
    );
    expect(await drainQueue(api.resources.sqs, QueueUrl!)).toEqual([]);
    await sweepPending(new Date(Date.now() + 10_000));
    const sent = await drainQueue(api.resources.sqs, QueueUrl!);
    expect(sent).toEqual(
      expect.arrayContaining([
        {
          kind: 'place',
          tenantId: t.tenantId,
          orderId: placed.body.id,
          account: other,
          connectionId,
          version: 1,
        },
        {
          kind: 'place',
          tenantId: t.tenantId,
          orderId: byDefault.body.id,
          account: own,
          connectionId,
          version: 1,
        },
      ]),
    );
    // Now the queue exists, a cancel goes straight to it.
    const cancel = await api.request('POST', `/api/v1/orders/${placed.body.id}/cancel`, {
      headers: t.headers('trader'),
    });
    expect(cancel.status).toBe(202);
    expect(await drainQueue(api.resources.sqs, QueueUrl!)).toEqual([
      expect.objectContaining({ kind: 'cancel', orderId: placed.body.id, connectionId }),
    ]);
    // Working orders hold the connection.
    const del = await api.request('DELETE', `/api/v1/connections/${connectionId}`, {
      headers: t.headers('admin'),
    });
    expect([del.status, del.body.code, del.body.workingOrders]).toEqual([409, 'CONNECTION_IN_USE', 2]);
  });

  it('of a tenant without accounts go to the house connection, through the single orders queue', async () => {
    const t = await createTestTenant(api);
    const res = await postOrder(api, t, limitOrder());
    expect(res.body).toMatchObject({ account: null, connectionId: 'cdemo' });
    const queued = await drainQueue(api.resources.sqs, api.resources.queueUrls.orders);
    expect(queued.filter((m) => m.orderId === res.body.id)).toEqual([
      { kind: 'place', tenantId: t.tenantId, orderId: res.body.id, connectionId: 'cdemo', version: 1 },
    ]);
    const named = await postOrder(api, t, limitOrder({ account: 'DU1234567' }));
    expect([named.status, named.body.code]).toEqual([422, 'ACCOUNT_NOT_FOUND']);
  });

  it('connection deleted without working orders releases its accounts', async () => {
    const t = await createTestTenant(api);
    const acct = account();
    const connectionId = await connectionWith(t, [acct]);
    const del = await api.request('DELETE', `/api/v1/connections/${connectionId}`, {
      headers: t.headers('admin'),
    });
    expect(del.status).toBe(204);
    expect(
      (await api.request('GET', '/api/v1/accounts', { headers: t.headers('admin') })).body.items,
    ).toEqual([]);
    expect(
      (await api.request('GET', `/api/v1/connections/${connectionId}`, { headers: t.headers('admin') }))
        .status,
    ).toBe(404);
  });
});

describe('positions and P&L per account', () => {
  it('carry the account and filter by ?account=', async () => {
    const t = await createTestTenant(api);
    const [x, y] = [account(), account()].sort();
    await connectionWith(t, [x!, y!]);
    const executions = new DynamoExecutionStore(api.resources.dynamo, api.resources.tableName);
    const at = new Date().toISOString();
    const fills: Array<[string, string, string, string]> = [
      [x!, 'buy', '10', '100'],
      [y!, 'buy', '4', '100'],
      [y!, 'sell', '4', '103'],
    ];
    for (const [i, [acct, side, quantity, price]] of fills.entries()) {
      const placed = await postOrder(
        api,
        t,
        limitOrder({ account: acct, side, quantity, limitPrice: price }),
      );
      expect(placed.status).toBe(201);
      const order = (await executions.getOrder(t.tenantId, placed.body.id))!;
      const position = await executions.getPosition(t.tenantId, acct, 'AAPL');
      const outcome = applyExecution(
        order,
        position,
        {
          execId: `e-${t.tenantId}-${i}`,
          side: side as 'buy' | 'sell',
          quantity: new Dec(quantity),
          price: new Dec(price),
          at,
          account: acct,
          commission: new Dec('1'),
        },
        at,
      );
      expect(await executions.commitFill(outcome)).toBe('written');
    }
    const get = (path: string) => api.request('GET', path, { headers: t.headers('viewer') });
    const all = await get('/api/v1/positions');
    expect(
      all.body.items.map((p: { account: string; quantity: string }) => [p.account, p.quantity]).sort(),
    ).toEqual([
      [x, '10'],
      [y, '0'],
    ]);
    expect((await get(`/api/v1/positions?account=${y}`)).body.items).toEqual([
      expect.objectContaining({ account: y, symbol: 'AAPL', quantity: '0' }),
    ]);
    const pnlY = (await get(`/api/v1/pnl/today?account=${y}`)).body;
    expect(pnlY).toMatchObject({ realizedPnl: '10', commissions: '2', fills: 2 });
    const pnlX = (await get(`/api/v1/pnl/today?account=${x}`)).body;
    expect(pnlX).toMatchObject({ realizedPnl: '-1', commissions: '1', fills: 1 });
    const total = (await get('/api/v1/pnl/today')).body;
    expect(total).toMatchObject({ realizedPnl: '9', commissions: '3', fills: 3 });
    expect(total.bySymbol).toEqual([expect.objectContaining({ symbol: 'AAPL', fills: 3 })]);
    expect((await get('/api/v1/positions?account=not-an-account')).status).toBe(400);
  });
});

describe('readiness per connection', () => {
  it('shows each connection up or down to anyone, and why to the operator, never a host or port', async () => {
    const t = await createTestTenant(api);
    const made = await api.request('POST', '/api/v1/connections', {
      headers: t.headers('admin'),
      body: { name: 'ext', gateway: { host: 'gw-secret-host.internal', port: 4999 } },
    });
    const up = made.body.id as string;
    const down = await connectionWith(t, []);
    await store.reportRuntime(up, { status: 'connected', heartbeatAt: new Date().toISOString() });
    await store.reportRuntime(down, {
      status: 'disconnected',
      heartbeatAt: new Date().toISOString(),
      lastError: {
        code: 'IB_1100',
        message: 'Connectivity between IB and TWS has been lost',
        at: new Date().toISOString(),
      },
    });
    const ready = await api.request('GET', '/health/ready');
    expect(ready.body.connections).toMatchObject({ [up]: 'up', [down]: 'down' });
    expect(JSON.stringify(ready.body)).not.toMatch(/gw-secret-host|4999|IB_1100/);
    expect((await api.request('GET', '/health/ready/details', { headers: t.headers('admin') })).status).toBe(
      403,
    );
    const details = await api.request('GET', '/health/ready/details', { headers: operator() });
    expect(details.body.connections[up]).toEqual({ ok: true, detail: 'connected, 0 account(s)' });
    expect(details.body.connections[down]).toEqual({
      ok: false,
      detail: 'disconnected: IB_1100 Connectivity between IB and TWS has been lost',
    });
    expect(JSON.stringify(details.body)).not.toMatch(/gw-secret-host|4999/);
  });
});

describe('market data per connection', () => {
  it('takes each tenant’s lines from its own connection; quotes cached for one are not another’s', async () => {
    const [t1, t2] = await Promise.all([createTestTenant(api), createTestTenant(api)]);
    const c1 = await connectionWith(t1, [account()]);
    const c2 = await connectionWith(t2, [account()]);
    process.env[MARKET_DATA_ENV.lineLimit] = '2';
    process.env[MARKET_DATA_ENV.snapshotWaitMs] = '100';
    try {
      const subscribe = (t: TestTenant, symbols: string[]) =>
        api.request('POST', '/api/v1/marketdata/subscriptions', {
          headers: t.headers('trader'),
          body: { symbols },
        });
      expect((await subscribe(t1, ['AAPL', 'MSFT'])).status).toBe(201);
      const full = await subscribe(t1, ['IBM']);
      expect([full.status, full.body.code]).toEqual([409, 'MARKET_DATA_LINE_LIMIT']);
      // The other tenant's login has lines of its own.
      expect((await subscribe(t2, ['IBM', 'SPY'])).status).toBe(201);

      const lists = (connectionId?: string) =>
        new DynamoSubscriptionStore(api.resources.dynamo, api.resources.tableName, connectionId).wanted();
      const [w1, w2, house] = await Promise.all([lists(c1), lists(c2), lists()]);
      expect([w1.linesInUse, w1.symbols.map((s) => s.symbol).sort()]).toEqual([2, ['AAPL', 'MSFT']]);
      expect([w2.linesInUse, w2.symbols.map((s) => s.symbol).sort()]).toEqual([2, ['IBM', 'SPY']]);
      expect(house.symbols.map((s) => s.symbol)).not.toContain('AAPL');

      await new DynamoQuoteCache(api.resources.dynamo, api.resources.tableName, {
        ttlSeconds: 3600,
        connectionId: c1,
      }).put({
        symbol: 'AAPL',
        bid: '1',
        ask: '2',
        at: new Date().toISOString(),
        marketDataType: 1,
        source: 'stream',
      });
      const own = await api.request('GET', '/api/v1/marketdata/AAPL', { headers: t1.headers('viewer') });
      expect(own.body).toMatchObject({ symbol: 'AAPL', bid: '1', source: 'stream', stale: false });
      const other = await api.request('GET', '/api/v1/marketdata/AAPL', { headers: t2.headers('viewer') });
      expect([other.status, other.body.code]).toEqual([404, 'MARKET_DATA_UNAVAILABLE']);
      // The other tenant's snapshot request waits on its own connection's list, for its own bridge.
      expect((await lists(c2)).snapshots.map((s) => s.symbol)).toEqual(['AAPL']);
      expect((await lists(c1)).snapshots).toEqual([]);
    } finally {
      delete process.env[MARKET_DATA_ENV.lineLimit];
      delete process.env[MARKET_DATA_ENV.snapshotWaitMs];
    }
  });
});

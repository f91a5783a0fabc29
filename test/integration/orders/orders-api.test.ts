import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { drainQueue, limitOrder, postOrder, setLimits } from '../../support/orders.ts';
import { tenantPk } from '../../../core/store/keys.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function ordersOnQueue() {
  return drainQueue(api.resources.sqs, api.resources.queueUrls.orders);
}

async function itemCount(tenantId: string): Promise<number> {
  const { Count } = await api.resources.dynamo.send(
    new QueryCommand({
      TableName: api.resources.tableName,
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :o)',
      ExpressionAttributeValues: { ':p': { S: tenantPk(tenantId) }, ':o': { S: 'ORDER#' } },
      Select: 'COUNT',
    }),
  );
  return Count ?? 0;
}

describe('placing an order', () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTestTenant(api);
    await ordersOnQueue();
  });

  it('accepts it, persists it, audits it and queues it exactly once', async () => {
    const res = await postOrder(
      api,
      tenant,
      limitOrder({ clientOrderId: 'c-1', quantity: 25, limitPrice: 187.25 }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.body).toMatchObject({
      clientOrderId: 'c-1',
      symbol: 'AAPL',
      side: 'buy',
      quantity: '25',
      type: 'limit',
      limitPrice: '187.25',
      stopPrice: null,
      timeInForce: 'day',
      status: 'pending_new',
      filledQuantity: '0',
      remainingQuantity: '25',
      averageFillPrice: null,
      version: 1,
    });
    const id = res.body.id as string;

    const got = await api.request('GET', `/api/v1/orders/${id}`, { headers: tenant.headers('viewer') });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);

    const events = await api.request('GET', `/api/v1/orders/${id}/events`, {
      headers: tenant.headers('viewer'),
    });
    expect(events.body.items).toEqual([
      expect.objectContaining({ seq: 1, type: 'order.accepted', actor: `user:${tenant.usernames.trader}` }),
    ]);

    const queued = (await ordersOnQueue()).filter((m) => m.orderId === id);
    expect(queued).toEqual([
      { kind: 'place', tenantId: tenant.tenantId, orderId: id, version: 1, connectionId: 'cdemo' },
    ]);
  });

  it('refuses a second order with the same clientOrderId', async () => {
    await postOrder(api, tenant, limitOrder({ clientOrderId: 'dup-1' }));
    const again = await postOrder(api, tenant, limitOrder({ clientOrderId: 'dup-1' }));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'DUPLICATE_CLIENT_ORDER_ID', status: 409 });
    expect(again.headers.get('content-type')).toBe('application/problem+json');
  });

  it('requires an Idempotency-Key', async () => {
    const res = await api.request('POST', '/api/v1/orders', {
      body: limitOrder(),
      headers: tenant.headers('trader'),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: 'headers.idempotency-key' }],
    });
  });

  it('answers invalid orders with 400 listing every issue, and writes nothing', async () => {
    const fresh = await createTestTenant(api);
    const res = await postOrder(api, fresh, { symbol: '??', side: 'buy', quantity: -1, type: 'limit' });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.limitPrice',
      'body.quantity',
      'body.symbol',
    ]);
    expect(await itemCount(fresh.tenantId)).toBe(0);
  });

  it('lets viewers read but not trade', async () => {
    const res = await postOrder(api, tenant, limitOrder(), { role: 'viewer' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('records a risk denial as a rejected order and answers 422 with its code', async () => {
    const res = await postOrder(api, tenant, limitOrder({ quantity: '1000000' }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      status: 422,
      code: 'RISK_MAX_ORDER_QUANTITY',
      order: { status: 'rejected' },
    });
    const stored = await api.request('GET', `/api/v1/orders/${res.body.orderId}`, {
      headers: tenant.headers('viewer'),
    });
    expect(stored.body).toMatchObject({ status: 'rejected', rejectCode: 'RISK_MAX_ORDER_QUANTITY' });
    expect(stored.body.rejectReason).toContain('exceeds the maximum order quantity');
    const events = await api.request('GET', `/api/v1/orders/${res.body.orderId}/events`, {
      headers: tenant.headers('viewer'),
    });
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual(['order.rejected']);
    expect((await ordersOnQueue()).filter((m) => m.orderId === res.body.orderId)).toEqual([]);
  });

  it('rejects a market order when no price is known, and sizes it with a reference price otherwise', async () => {
    const noPrice = await postOrder(api, tenant, {
      symbol: 'ZZZZ',
      side: 'buy',
      quantity: '1',
      type: 'market',
    });
    expect(noPrice.status).toBe(422);
    expect(noPrice.body.code).toBe('RISK_NO_REFERENCE_PRICE');
    // No bridge serves this API, so the snapshot risk asks for never comes; the detail says how to fix it.
    expect(noPrice.body.detail).toContain('no snapshot arrived within');
    expect(noPrice.body.detail).toContain('POST /api/v1/marketdata/subscriptions');
    const priced = await createTestTenant(api);
    await setLimits(api, priced, { referencePrices: { ZZZZ: '50' }, maxOrderNotional: '100' });
    expect(
      (await postOrder(api, priced, { symbol: 'ZZZZ', side: 'buy', quantity: '2', type: 'market' })).status,
    ).toBe(201);
    const over = await postOrder(api, priced, { symbol: 'ZZZZ', side: 'buy', quantity: '3', type: 'market' });
    expect(over.body.code).toBe('RISK_MAX_NOTIONAL');
  });
});

describe('idempotency', () => {
  it('20 concurrent POSTs with one key create one order and all get the same response', async () => {
    const tenant = await createTestTenant(api);
    const key = randomUUID();
    const body = limitOrder({ quantity: '7' });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => postOrder(api, tenant, body, { key })),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    for (const r of responses) expect(r.body).toEqual(responses[0]?.body);
    expect(await itemCount(tenant.tenantId)).toBe(1);

    const replay = await postOrder(api, tenant, { ...body }, { key });
    expect(replay.body).toEqual(responses[0]?.body);

    const other = await postOrder(api, tenant, limitOrder({ quantity: '8' }), { key });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await itemCount(tenant.tenantId)).toBe(1);
  });

  it('replays a rejection as the original 422', async () => {
    const tenant = await createTestTenant(api);
    const key = randomUUID();
    const first = await postOrder(api, tenant, limitOrder({ quantity: '999999' }), { key });
    const again = await postOrder(api, tenant, limitOrder({ quantity: '999999' }), { key });
    expect(first.status).toBe(422);
    expect(again.status).toBe(422);
    expect(again.body).toEqual(first.body);
  });

  it('treats the same JSON with keys in another order as the same body', async () => {
    const tenant = await createTestTenant(api);
    const key = randomUUID();
    const first = await postOrder(
      api,
      tenant,
      { symbol: 'MSFT', side: 'sell', quantity: '1', type: 'limit', limitPrice: '300' },
      { key },
    );
    const again = await postOrder(
      api,
      tenant,
      { limitPrice: '300', type: 'limit', quantity: '1', side: 'sell', symbol: 'MSFT' },
      { key },
    );
    expect(again.body.id).toBe(first.body.id);
  });
});

describe('listing', () => {
  it('returns newest first with filters and cursor pagination', async () => {
    const tenant = await createTestTenant(api);
    const made: string[] = [];
    for (const [symbol, side] of [
      ['AAPL', 'buy'],
      ['MSFT', 'sell'],
      ['AAPL', 'sell'],
      ['AAPL', 'buy'],
      ['IBM', 'buy'],
    ] as const) {
      made.push((await postOrder(api, tenant, limitOrder({ symbol, side }))).body.id);
    }
    const rejected = (await postOrder(api, tenant, limitOrder({ quantity: '999999' }))).body
      .orderId as string;
    const h = tenant.headers('viewer');

    const all = await api.request('GET', '/api/v1/orders', { headers: h });
    expect(all.body.items.map((o: { id: string }) => o.id)).toEqual([rejected, ...made].sort().reverse());
    expect(all.body.nextCursor).toBeNull();

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await api.request(
        'GET',
        `/api/v1/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: h },
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      pages.push(...page.body.items.map((o) => o.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.body.items.map((o: { id: string }) => o.id));

    const aapl = await api.request('GET', '/api/v1/orders?symbol=AAPL&side=buy', { headers: h });
    expect(aapl.body.items.map((o: { id: string }) => o.id)).toEqual([rejected, made[3], made[0]]);
    const rej = await api.request('GET', '/api/v1/orders?status=rejected', { headers: h });
    expect(rej.body.items.map((o: { id: string }) => o.id)).toEqual([rejected]);
    const working = await api.request('GET', '/api/v1/orders?status=pending_new&symbol=AAPL&limit=1', {
      headers: h,
    });
    expect(working.body.items.map((o: { id: string }) => o.id)).toEqual([made[3]]);
    expect(working.body.nextCursor).toBeTruthy();

    const future = await api.request(
      'GET',
      `/api/v1/orders?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      { headers: h },
    );
    expect(future.body.items).toEqual([]);
    const past = await api.request('GET', `/api/v1/orders?to=2020-01-01T00:00:00Z`, { headers: h });
    expect(past.body.items).toEqual([]);
  });

  it('refuses a bad query or a forged cursor with 400', async () => {
    const tenant = await createTestTenant(api);
    const h = tenant.headers('viewer');
    for (const q of [
      'status=open',
      'limit=0',
      'limit=101',
      'limit=abc',
      'from=yesterday',
      'side=long',
      'cursor=!!!',
      'nope=1',
    ]) {
      const res = await api.request('GET', `/api/v1/orders?${q}`, { headers: h });
      expect([q, res.status]).toEqual([q, 400]);
    }
    const other = await createTestTenant(api);
    await postOrder(api, other, limitOrder());
    await postOrder(api, other, limitOrder());
    const page = await api.request('GET', '/api/v1/orders?limit=1', { headers: other.headers('viewer') });
    const stolen = await api.request('GET', `/api/v1/orders?limit=1&cursor=${page.body.nextCursor}`, {
      headers: h,
    });
    expect(stolen.status).toBe(400);
    expect(stolen.body.code).toBe('VALIDATION_FAILED');
  });
});

describe('cancel, modify, cancel-all', () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTestTenant(api);
  });

  it('cancels a working order into pending_cancel and queues the cancel behind the place', async () => {
    const id = (await postOrder(api, tenant, limitOrder())).body.id as string;
    const res = await api.request('POST', `/api/v1/orders/${id}/cancel`, {
      headers: tenant.headers('trader'),
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id, status: 'pending_cancel', version: 2 });
    const again = await api.request('POST', `/api/v1/orders/${id}/cancel`, {
      headers: tenant.headers('trader'),
    });
    expect(again.status).toBe(202);
    expect(again.body.version).toBe(2);
    const events = await api.request('GET', `/api/v1/orders/${id}/events`, {
      headers: tenant.headers('viewer'),
    });
    expect(events.body.items.map((e: { type: string; seq: number }) => [e.seq, e.type])).toEqual([
      [1, 'order.accepted'],
      [2, 'order.cancel_requested'],
    ]);
    const messages = (await ordersOnQueue()).filter((m) => m.orderId === id);
    expect(messages.map((m) => m.kind)).toEqual(['place', 'cancel']);
  });

  it('refuses to cancel an order that has ended', async () => {
    const id = (await postOrder(api, tenant, limitOrder({ quantity: '999999' }))).body.orderId as string;
    const res = await api.request('POST', `/api/v1/orders/${id}/cancel`, {
      headers: tenant.headers('trader'),
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'ORDER_NOT_CANCELLABLE', status: 409 });
  });

  it('modifies a working order through risk again', async () => {
    const id = (await postOrder(api, tenant, limitOrder({ quantity: '10', limitPrice: '100' }))).body
      .id as string;
    const res = await api.request('PATCH', `/api/v1/orders/${id}`, {
      body: { quantity: '20', limitPrice: '101.5' },
      headers: tenant.headers('trader'),
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'pending_replace',
      quantity: '10',
      pendingChange: { quantity: '20', limitPrice: '101.5' },
    });

    const twice = await api.request('PATCH', `/api/v1/orders/${id}`, {
      body: { quantity: '30' },
      headers: tenant.headers('trader'),
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('ORDER_NOT_MODIFIABLE');

    const other = (await postOrder(api, tenant, limitOrder())).body.id as string;
    const tooBig = await api.request('PATCH', `/api/v1/orders/${other}`, {
      body: { quantity: '1000000' },
      headers: tenant.headers('trader'),
    });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.code).toBe('RISK_MAX_ORDER_QUANTITY');
    const wrongField = await api.request('PATCH', `/api/v1/orders/${other}`, {
      body: { stopPrice: '90' },
      headers: tenant.headers('trader'),
    });
    expect(wrongField.status).toBe(400);
    const empty = await api.request('PATCH', `/api/v1/orders/${other}`, {
      body: {},
      headers: tenant.headers('trader'),
    });
    expect(empty.status).toBe(400);
    const unchanged = await api.request('GET', `/api/v1/orders/${other}`, {
      headers: tenant.headers('viewer'),
    });
    expect(unchanged.body).toMatchObject({ status: 'pending_new', version: 1 });
  });

  it('cancel-all asks to cancel every working order of the tenant only', async () => {
    const mine = await createTestTenant(api);
    const theirs = await createTestTenant(api);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await postOrder(api, mine, limitOrder())).body.id as string);
    const foreign = (await postOrder(api, theirs, limitOrder())).body.id as string;
    const res = await api.request('POST', '/api/v1/orders/cancel-all', { headers: mine.headers('trader') });
    expect(res.status).toBe(202);
    expect(res.body.items.map((o: { id: string }) => o.id).sort()).toEqual(ids.sort());
    expect(res.body.items.every((o: { status: string }) => o.status === 'pending_cancel')).toBe(true);
    const untouched = await api.request('GET', `/api/v1/orders/${foreign}`, {
      headers: theirs.headers('viewer'),
    });
    expect(untouched.body.status).toBe('pending_new');
  });

  it("answers 404 for unknown ids and for another tenant's orders", async () => {
    const other = await createTestTenant(api);
    const id = (await postOrder(api, other, limitOrder())).body.id as string;
    for (const [method, path] of [
      ['GET', `/api/v1/orders/${id}`],
      ['GET', `/api/v1/orders/${id}/events`],
      ['POST', `/api/v1/orders/${id}/cancel`],
      ['PATCH', `/api/v1/orders/${id}`],
      ['GET', '/api/v1/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV'],
      ['GET', '/api/v1/orders/not-an-id'],
    ] as const) {
      const res = await api.request(method, path, {
        headers: tenant.headers('trader'),
        ...(method === 'PATCH' ? { body: { quantity: '5' } } : {}),
      });
      expect([method, path, res.status, res.body.code]).toEqual([method, path, 404, 'ORDER_NOT_FOUND']);
    }
  });
});

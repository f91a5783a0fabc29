/**
 * Every example in the OpenAPI document is valid and true: each validates against the schema it
 * illustrates, and each request example, sent to the local stack, gets the documented status
 * (with a body that satisfies the documented response schema). Path ids, and the refresh token,
 * are swapped for ones this test created; bodies and queries are sent exactly as documented.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { startTestApi, type TestApi, type TestResponse } from '../../support/api.ts';
import { createTestTenant, operatorToken, type TestTenant } from '../../support/tenants.ts';
import { routes, type RouteSpec } from '../../../core/topology.ts';
import { systemKeys } from '../../../core/store/keys.ts';
import { catalog } from '../../../functions/docs/catalog.ts';
import { bracketExample, examples, ocoExample, problemExample } from '../../../functions/docs/examples.ts';
import { errorStatuses, Problem } from '../../../functions/docs/openapi.ts';
import {
  ALL_WEBHOOK_EVENTS,
  webhookPayloadExample,
  webhookPayloadSchema,
} from '../../../functions/docs/webhook-events.ts';
import { DynamoQuoteCache } from '../../../adapters/dynamodb/quote-cache.ts';
import { DynamoAccountValuesStore } from '../../../adapters/dynamodb/account-values-store.ts';
import { DynamoConnectionStore } from '../../../adapters/dynamodb/connection-store.ts';
import { resetWebhookService } from '../../../adapters/webhooks/service.ts';
import { webhookEnv } from '../../../adapters/webhooks/config.ts';
import { startPaperGateway } from '../../../paper-gateway/index.ts';
import { startBridge } from '../../../ib-bridge/bridge.ts';
import { memoryLogger, waitFor } from '../bridge/harness.ts';
import { BROKER_REQUEST_WAIT_ENV } from '../../../core/broker/config.ts';

const keyOf = (r: RouteSpec) => `${r.method} ${r.path}`;

function expectValid(schema: z.ZodType, value: unknown, what: string): void {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`${what}: ${JSON.stringify(result.error.issues, null, 1)}`);
}

describe('examples validate against their own schemas', () => {
  test('every route has an operationId (unique) and an example entry', () => {
    const ids = routes.map((r) => catalog[keyOf(r)]?.operationId);
    expect(ids.filter((id) => !id)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(routes.map(keyOf).filter((k) => !examples[k])).toEqual([]);
  });

  test.each(routes.map(keyOf))('%s', (key) => {
    const doc = catalog[key]!;
    const example = examples[key]!;
    if (doc.body) {
      expect(example.body).toBeDefined();
      expectValid(doc.body, example.body, `${key} request body`);
    }
    if (doc.query && example.query) expectValid(doc.query, example.query, `${key} query`);
    if (doc.success.schema && doc.success.contentType === undefined) {
      expect(example.response).toBeDefined();
      expectValid(doc.success.schema, example.response, `${key} response`);
    }
    const route = routes.find((r) => keyOf(r) === key)!;
    for (const status of errorStatuses(route)) {
      const p = problemExample(key, status);
      expectValid(Problem, p, `${key} ${status} problem`);
      expect(p.status).toBe(status);
    }
  });

  test('the 400, 401 and 403 examples show their own codes, not a risk denial', () => {
    const key = 'POST /api/v1/orders';
    expect([400, 401, 403, 409, 422].map((s) => problemExample(key, s).code)).toEqual([
      'VALIDATION_FAILED',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'IDEMPOTENCY_KEY_REUSED',
      'RISK_MAX_NOTIONAL',
    ]);
  });

  test('the order-class examples of POST /orders validate (bracket, oco)', () => {
    const doc = catalog['POST /api/v1/orders']!;
    expectValid(doc.body!, bracketExample.body, 'bracket request body');
    expectValid(doc.success.schema!, bracketExample.response, 'bracket response');
    expectValid(doc.body!, ocoExample.body, 'oco request body');
  });

  test.each([...ALL_WEBHOOK_EVENTS])('webhook event %s', (type) => {
    expectValid(webhookPayloadSchema(type), webhookPayloadExample(type), `${type} payload`);
  });
});

describe('request examples sent to the local stack', () => {
  let api: TestApi;
  let tenant: TestTenant;
  let operator: string;
  const ids: Record<string, string> = {};
  let refreshToken = '';
  const sent = new Set<string>();

  beforeAll(async () => {
    process.env[webhookEnv.allowLoopback] = 'true';
    process.env[webhookEnv.timeoutMs] = '500';
    process.env.OMS_MARKET_DATA_SNAPSHOT_WAIT_MS = '100';
    // The documented webhook host resolves to this machine, where nothing listens on 443.
    resetWebhookService(async () => [{ address: '127.0.0.1', family: 4 }]);
    api = await startTestApi();
    tenant = await createTestTenant(api);
    operator = operatorToken(api);
    await bridgeHeartbeat();
    await new DynamoQuoteCache(api.resources.dynamo, api.resources.tableName, { ttlSeconds: 3600 }).put({
      symbol: 'AAPL',
      bid: '187.24',
      ask: '187.26',
      last: '187.25',
      bidSize: '300',
      askSize: '200',
      lastSize: '100',
      at: new Date().toISOString(),
      marketDataType: 1,
      source: 'stream',
    });
  });

  /** The bridge's heartbeat, as a connected bridge writes it (readiness wants one under 30 s old). */
  async function bridgeHeartbeat(): Promise<void> {
    await DynamoDBDocumentClient.from(api.resources.dynamo).send(
      new PutCommand({
        TableName: api.resources.tableName,
        Item: {
          ...systemKeys.bridgeStatus(),
          updatedAt: new Date().toISOString(),
          brokerConnected: true,
          broker: 'paper',
        },
      }),
    );
  }

  afterAll(async () => {
    resetWebhookService();
    await api?.close();
  });

  /** Sends the documented example of a route and checks the documented status and response schema. */
  async function send(
    key: string,
    headers: Record<string, string> = tenant.headers('admin'),
    body?: unknown,
  ): Promise<TestResponse> {
    const doc = catalog[key]!;
    const example = examples[key]!;
    const [method, template] = key.split(' ') as [string, string];
    const path = template.replace(/\{(\w+)\+?\}/g, (_, name: string) =>
      encodeURIComponent(ids[`${key}:${name}`] ?? ids[name] ?? example.params?.[name] ?? name),
    );
    const query = example.query ? `?${new URLSearchParams(example.query).toString()}` : '';
    const extra: Record<string, string> = doc.headers ? { 'idempotency-key': randomUUID() } : {};
    const res = await api.request(method, `${path}${query}`, {
      headers: { ...headers, ...extra },
      ...((body ?? example.body) ? { body: body ?? example.body } : {}),
    });
    expect([key, res.status]).toEqual([key, doc.success.status]);
    if (doc.success.schema && doc.success.contentType === undefined)
      expectValid(doc.success.schema, res.body, `${key} actual response`);
    sent.add(key);
    return res;
  }

  const operatorHeaders = () => ({ authorization: `Bearer ${operator}` });

  /** Runs `sends` with a paper gateway and a bridge serving broker requests, then stops them. */
  async function askingTheBroker(sends: (headers: Record<string, string>) => Promise<void>): Promise<void> {
    process.env[BROKER_REQUEST_WAIT_ENV] = '15000';
    const gateway = await startPaperGateway({ port: 0, controlPort: null, tickIntervalMs: 0, seed: 3 });
    const bridge = await startBridge(
      {
        ib: { host: gateway.host, port: gateway.port, clientId: 77, account: undefined },
        tableName: api.resources.tableName,
        ordersQueueUrl: api.resources.queueUrls.orders,
        eventBusName: 'oms-events',
        healthPort: 0,
        maxMessagesPerSecond: 46,
        burst: 2,
        visibilitySeconds: 5,
        receivers: 2,
        waitSeconds: 1,
        heartbeatMs: 1000,
        outboxIntervalMs: 200,
        drainOutbox: false,
      },
      { log: memoryLogger() },
    );
    try {
      await waitFor(() => bridge.ready, 'bridge ready');
      const asker = await createTestTenant(api);
      await sends(asker.headers('trader'));
    } finally {
      await bridge.stop();
      await gateway.close();
      delete process.env[BROKER_REQUEST_WAIT_ENV];
    }
  }
  /** Routes only the platform operator may call: a tenant's admin gets 403 before anything else. */
  const operatorOnly = new Set([
    'POST /api/v1/tenants',
    'GET /api/v1/tenants',
    'PATCH /api/v1/tenants/{id}',
    'GET /health/ready/details',
    'POST /api/v1/tenants/{id}/accounts',
  ]);

  test('each success example answers its documented status', async () => {
    const placed = await send('POST /api/v1/orders', tenant.headers('trader'));
    ids.id = placed.body.id;
    const bracket = await send('POST /api/v1/orders', tenant.headers('trader'), bracketExample.body);
    expect((bracket.body.legs as Array<{ groupRole: string }>).map((l) => l.groupRole)).toEqual(
      (bracketExample.response as { legs: Array<{ groupRole: string }> }).legs.map((l) => l.groupRole),
    );
    const oco = await send('POST /api/v1/orders', tenant.headers('trader'), ocoExample.body);
    expect(oco.body).toMatchObject({ orderClass: 'oco', groupId: oco.body.id });
    await send('GET /api/v1/orders');
    await send('GET /api/v1/orders/{id}');
    await send('GET /api/v1/orders/{id}/events');
    await send('PATCH /api/v1/orders/{id}', tenant.headers('trader'));
    await send('POST /api/v1/orders/{id}/cancel', tenant.headers('trader'));
    await send('POST /api/v1/orders/cancel-all', tenant.headers('trader'));
    await send('GET /api/v1/positions');
    await send('GET /api/v1/pnl/today');
    await send('GET /api/v1/pnl/history');
    await send('GET /api/v1/fills');
    await send('GET /api/v1/reports/trades');
    await send('GET /api/v1/risk/limits');
    await send('PUT /api/v1/risk/limits');
    await send('GET /api/v1/risk/kill-switch');
    await send('POST /api/v1/marketdata/subscriptions');
    await send('GET /api/v1/marketdata/subscriptions');
    await send('GET /api/v1/marketdata/{symbol}');
    await send('DELETE /api/v1/marketdata/subscriptions/{symbol}');

    const hook = await send('POST /api/v1/webhooks');
    ids['POST /api/v1/webhooks/{id}/test:id'] = hook.body.id;
    Object.assign(ids, {
      'GET /api/v1/webhooks/{id}:id': hook.body.id,
      'POST /api/v1/webhooks/{id}/rotate-secret:id': hook.body.id,
      'GET /api/v1/webhooks/{id}/deliveries:id': hook.body.id,
      'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver:id': hook.body.id,
      'DELETE /api/v1/webhooks/{id}:id': hook.body.id,
    });
    await send('GET /api/v1/webhooks');
    await send('GET /api/v1/webhooks/{id}');
    await send('POST /api/v1/webhooks/{id}/rotate-secret');
    const tested = await send('POST /api/v1/webhooks/{id}/test');
    ids.deliveryId = tested.body.id;
    await send('GET /api/v1/webhooks/{id}/deliveries');
    await send('POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver');
    await send('DELETE /api/v1/webhooks/{id}');

    await send('POST /api/v1/users');
    await send('GET /api/v1/users');
    await send('GET /api/v1/users/{username}');
    const login = await send('POST /api/v1/auth/login', {});
    refreshToken = login.body.refreshToken;
    await send('POST /api/v1/auth/refresh', {}, { refreshToken });
    await send('POST /api/v1/auth/logout', {}, { refreshToken });
    await send('PATCH /api/v1/users/{username}');
    const key = await send('POST /api/v1/api-keys');
    Object.assign(ids, {
      'GET /api/v1/api-keys/{id}:id': key.body.id,
      'DELETE /api/v1/api-keys/{id}:id': key.body.id,
    });
    await send('GET /api/v1/api-keys');
    await send('GET /api/v1/api-keys/{id}');
    await send('DELETE /api/v1/api-keys/{id}');
    await send('GET /api/v1/audit');
    await send('GET /api/v1/tenants/me');
    await send('POST /api/v1/tenants', operatorHeaders());
    await send('GET /api/v1/tenants', operatorHeaders());
    // A throwaway tenant: suspending the test's own would end the rest of the sequence.
    ids['PATCH /api/v1/tenants/{id}:id'] = (await createTestTenant(api)).tenantId;
    await send('PATCH /api/v1/tenants/{id}', operatorHeaders());
    await send('GET /health/ready/details', operatorHeaders());

    const strategy = await send('POST /api/v1/strategies', tenant.headers('trader'));
    for (const key of [
      'GET /api/v1/strategies/{id}',
      'PUT /api/v1/strategies/{id}',
      'GET /api/v1/strategies/{id}/versions',
      'POST /api/v1/strategies/{id}/start',
      'POST /api/v1/strategies/{id}/stop',
      'GET /api/v1/strategies/{id}/logs',
      'POST /api/v1/strategies/{id}/backtests',
    ])
      ids[`${key}:id`] = strategy.body.id;
    await send('GET /api/v1/strategies');
    await send('GET /api/v1/strategies/{id}');
    await send('PUT /api/v1/strategies/{id}', tenant.headers('trader'));
    await send('GET /api/v1/strategies/{id}/versions');
    await send('POST /api/v1/strategies/{id}/start', tenant.headers('trader'));
    await send('POST /api/v1/strategies/{id}/stop', tenant.headers('trader'));
    await send('GET /api/v1/strategies/{id}/logs');
    const backtest = await send('POST /api/v1/strategies/{id}/backtests', tenant.headers('trader'));
    ids['GET /api/v1/backtests/{id}:id'] = backtest.body.id;
    ids['GET /api/v1/backtests/{id}/equity.svg:id'] = backtest.body.id;
    await send('GET /api/v1/backtests/{id}');
    await send('GET /api/v1/backtests/{id}/equity.svg');
    // Connections: the bridge's managedAccounts report is what gives the tenant its account.
    const connections = new DynamoConnectionStore(
      DynamoDBDocumentClient.from(api.resources.dynamo, { marshallOptions: { removeUndefinedValues: true } }),
      api.resources.tableName,
    );
    const own = await send('POST /api/v1/connections');
    await connections.reportManagedAccounts(own.body.id, ['DU1234567']);
    ids['GET /api/v1/connections/{id}:id'] = own.body.id;
    await send('GET /api/v1/connections');
    await send('GET /api/v1/connections/{id}');
    await send('GET /api/v1/accounts');
    ids['PATCH /api/v1/accounts/{id}:id'] = 'DU1234567';
    await send('PATCH /api/v1/accounts/{id}');
    // The bridge writes IB's account values as they arrive; here they are written as it would.
    await new DynamoAccountValuesStore(api.resources.dynamo, api.resources.tableName).put({
      accountId: 'DU1234567',
      values: {
        NetLiquidation: { value: '1000000.00', currency: 'USD' },
        BuyingPower: { value: '4000000.00', currency: 'USD' },
      },
      at: new Date().toISOString(),
    });
    ids['GET /api/v1/accounts/{id}/summary:id'] = 'DU1234567';
    await send('GET /api/v1/accounts/{id}/summary');
    const shared = await api.request('POST', '/api/v1/connections', {
      headers: operatorHeaders(),
      body: { name: 'Advisor', gateway: 'managed' },
    });
    expect(shared.status).toBe(201);
    await connections.reportManagedAccounts(shared.body.id, ['DU7654321']);
    ids['POST /api/v1/tenants/{id}/accounts:id'] = tenant.tenantId;
    const assignBody = examples['POST /api/v1/tenants/{id}/accounts']!.body as Record<string, unknown>;
    await send('POST /api/v1/tenants/{id}/accounts', operatorHeaders(), {
      ...assignBody,
      connectionId: shared.body.id,
    });
    ids['DELETE /api/v1/connections/{id}:id'] = own.body.id;
    await send('DELETE /api/v1/connections/{id}');

    // Instruments and preview ask the broker: a paper gateway and a bridge answer, for a fresh
    // tenant (on the house connection, whose commands the bridge takes from the orders queue).
    await askingTheBroker(async (headers) => {
      await send('GET /api/v1/instruments', headers);
      await send('GET /api/v1/instruments/{conId}', headers);
      await send('POST /api/v1/orders/preview', headers);
    });

    // Last: engaging the kill switch stops trading for the tenant.
    await send('POST /api/v1/risk/kill-switch');

    // The sequence takes longer than a heartbeat's life on a loaded machine.
    await bridgeHeartbeat();
    await send('GET /health', {});
    await send('GET /health/ready', {});
    await send('GET /api/openapi.json', {});
    await send('GET /api/docs', {});
    await send('GET /api/docs/{asset}', {});

    expect(routes.map(keyOf).filter((k) => !sent.has(k))).toEqual([]);
  }, 60_000);

  test('every caller route answers 401 with the documented problem without credentials', async () => {
    for (const route of routes.filter((r) => r.auth === 'caller')) {
      const path = route.path.replace(/\{(\w+)\+?\}/g, 'x');
      const res = await api.request(route.method, path, { body: route.method === 'GET' ? undefined : {} });
      expect([keyOf(route), res.status, res.body.code]).toEqual([
        keyOf(route),
        401,
        problemExample(keyOf(route), 401).code,
      ]);
    }
  });

  test('every write route answers 403 with the documented problem to a viewer', async () => {
    for (const route of routes.filter((r) => r.auth === 'caller' && r.method !== 'GET')) {
      const key = keyOf(route);
      const path = route.path.replace(
        /\{(\w+)\+?\}/g,
        (_, name: string) => examples[key]?.params?.[name] ?? 'x',
      );
      const res = await api.request(route.method, path, {
        headers: { ...tenant.headers('viewer'), 'idempotency-key': randomUUID() },
        ...(examples[key]?.body ? { body: examples[key].body } : {}),
      });
      expect([key, res.status, res.body.code]).toEqual([key, 403, problemExample(key, 403).code]);
    }
  });

  test('every route with a body answers 400 with the documented problem to a malformed one', async () => {
    for (const route of routes.filter((r) => catalog[keyOf(r)]?.body)) {
      const key = keyOf(route);
      const headers = operatorOnly.has(key)
        ? operatorHeaders()
        : route.auth === 'caller'
          ? tenant.headers('admin')
          : {};
      const path = route.path.replace(
        /\{(\w+)\+?\}/g,
        (_, name: string) => examples[key]?.params?.[name] ?? 'x',
      );
      const res = await api.request(route.method, path, {
        headers: { ...headers, 'idempotency-key': randomUUID() },
        body: [],
      });
      expect([key, res.status, res.body.code]).toEqual([key, 400, problemExample(key, 400).code]);
    }
  });

  test('every route with an id answers 404 with the documented problem for an unknown one', async () => {
    const fresh = await createTestTenant(api);
    const webhook = await api.request('POST', '/api/v1/webhooks', {
      headers: fresh.headers('admin'),
      body: examples['POST /api/v1/webhooks']!.body,
    });
    expect(webhook.status).toBe(201);
    for (const route of routes.filter((r) => /\{\w+\+?\}/.test(r.path))) {
      const key = keyOf(route);
      const path = route.path
        .replace(
          '{id}/deliveries/{deliveryId}',
          `${webhook.body.id}/deliveries/dlv_01JF3Q7S3D9X1Z3B5D7F9H1K3M`,
        )
        .replace(/\{(\w+)\+?\}/g, (_, name: string) =>
          name === 'symbol' ? 'ZZZZ' : name === 'asset' ? 'nothing.js' : '01JF3Q7RZ8E4XK2M5N6P7Q8R9Z',
        );
      const res = await api.request(route.method, path, {
        headers: operatorOnly.has(key)
          ? operatorHeaders()
          : route.auth === 'caller'
            ? fresh.headers('admin')
            : {},
        ...(catalog[key]?.body ? { body: examples[key]!.body } : {}),
      });
      expect([key, res.status, res.body?.code]).toEqual([key, 404, problemExample(key, 404).code]);
    }
  });

  test('POST /orders answers its documented 409 and 422 problems', async () => {
    const t = await createTestTenant(api);
    const body = examples['POST /api/v1/orders']!.body as Record<string, unknown>;
    const key = randomUUID();
    const first = await api.request('POST', '/api/v1/orders', {
      headers: { ...t.headers('trader'), 'idempotency-key': key },
      body,
    });
    expect(first.status).toBe(201);
    const reused = await api.request('POST', '/api/v1/orders', {
      headers: { ...t.headers('trader'), 'idempotency-key': key },
      body: { ...body, quantity: '11' },
    });
    expect([reused.status, reused.body.code]).toEqual([409, problemExample('POST /api/v1/orders', 409).code]);
    const big = await api.request('POST', '/api/v1/orders', {
      headers: { ...t.headers('trader'), 'idempotency-key': randomUUID() },
      body: { ...body, quantity: '10000', clientOrderId: 'big-1' },
    });
    const documented = problemExample('POST /api/v1/orders', 422);
    expect([big.status, big.body.code, big.body.title, big.body.detail]).toEqual([
      422,
      documented.code,
      documented.title,
      documented.detail,
    ]);
  });
});

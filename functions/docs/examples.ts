/**
 * One worked example per route: the request a user would send and what the API answers. The
 * reference shows them, and test/integration/docs/examples.test.ts validates each against its
 * schema and sends each request to the local stack expecting the documented status.
 */
import { problemType } from '../../core/errors.ts';
import type { ProblemCode } from './problem-codes.ts';

export interface RouteExample {
  /** Path parameters (the test swaps in ids it created). */
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  response?: unknown;
}

const ORDER_ID = '01JF3Q7RZ8E4XK2M5N6P7Q8R9S';
const AT = '2026-01-05T14:30:00.000Z';
const LATER = '2026-01-05T14:30:01.250Z';
const TENANT = 'acme';
const WEBHOOK_ID = 'wh_01JF3Q7S0B7V2Y4Z6A8C0E2G4J';
const DELIVERY_ID = 'dlv_01JF3Q7S3D9X1Z3B5D7F9H1K3M';
const KEY_ID = 'e6422705cb4b87ad9f2c';

const order = {
  id: ORDER_ID,
  clientOrderId: 'my-strategy-0001',
  symbol: 'AAPL',
  side: 'buy',
  quantity: '10',
  type: 'limit',
  limitPrice: '187.25',
  stopPrice: null,
  timeInForce: 'day',
  account: null,
  outsideRth: false,
  status: 'pending_new',
  filledQuantity: '0',
  remainingQuantity: '10',
  averageFillPrice: null,
  createdAt: AT,
  updatedAt: AT,
  version: 1,
};
const pendingCancel = { ...order, status: 'pending_cancel', updatedAt: LATER, version: 2 };
const user = {
  username: 'alice',
  role: 'trader',
  status: 'active',
  createdAt: AT,
  createdBy: 'user:admin',
  updatedAt: AT,
};
const apiKey = {
  id: KEY_ID,
  name: 'ci',
  scopes: ['orders:read'],
  hint: `oms_${TENANT}_${KEY_ID}_NNjt…`,
  createdAt: AT,
  createdBy: 'user:admin',
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: null,
  rateLimitPerMinute: null,
};
const webhook = {
  id: WEBHOOK_ID,
  url: 'https://hooks.example.com/oms',
  events: ['order.*'],
  description: 'Fills to the trading desk',
  status: 'enabled',
  consecutiveFailures: 0,
  createdAt: AT,
  updatedAt: AT,
};
const secret = 'whsec_RHbkAoVDGGKVtsMfK47zgRk/xnoJ6QHO58K6AIlXye4=';
const delivery = {
  id: DELIVERY_ID,
  subscriptionId: WEBHOOK_ID,
  eventId: `${ORDER_ID}:3`,
  eventType: 'order.filled',
  status: 'succeeded',
  attempts: [
    {
      attempt: 1,
      at: AT,
      durationMs: 41,
      statusCode: 502,
      outcome: 'failed',
      nextAttemptAt: '2026-01-05T14:30:05.000Z',
      trigger: 'event',
    },
    {
      attempt: 2,
      at: '2026-01-05T14:30:05.100Z',
      durationMs: 38,
      statusCode: 204,
      outcome: 'succeeded',
      trigger: 'event',
    },
  ],
  createdAt: AT,
  updatedAt: '2026-01-05T14:30:05.100Z',
};
const tokens = {
  accessToken: 'eyJraWQiOiJsb2NhbC0xIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl',
  idToken: 'eyJraWQiOiJsb2NhbC0xIiwiYWxnIjoiUlMyNTYifQ.eyJjb2duaXRvOnVzZXJuYW1lIjoiYWxpY2UifQ.c2ln',
  refreshToken: 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.cmVmcmVzaA',
  expiresIn: 3600,
  tokenType: 'Bearer',
};
const limits = {
  maxOrderQuantity: '100000',
  maxOrderNotional: '1000000',
  maxPositionQuantity: '500000',
  maxGrossExposure: '10000000',
  maxOpenOrders: 500,
  maxOrdersPerSecond: 50,
  priceCollarPercent: '10',
  dailyLossLimit: '100000',
  restrictedSymbols: ['GME'],
  allowedSymbols: null,
  referencePrices: { AAPL: '187.25' },
  marketOrderWithoutPrice: 'reject',
};

/** Keyed like the catalog: `METHOD /path`. */
export const examples: Record<string, RouteExample> = {
  'POST /api/v1/orders': {
    body: {
      symbol: 'AAPL',
      side: 'buy',
      quantity: '10',
      type: 'limit',
      limitPrice: '187.25',
      timeInForce: 'day',
      clientOrderId: 'my-strategy-0001',
    },
    response: order,
  },
  'GET /api/v1/orders': {
    query: { status: 'pending_new', limit: '20' },
    response: { items: [order], nextCursor: null },
  },
  'GET /api/v1/orders/{id}': { params: { id: ORDER_ID }, response: order },
  'PATCH /api/v1/orders/{id}': {
    params: { id: ORDER_ID },
    body: { limitPrice: '187.10' },
    response: {
      ...order,
      status: 'pending_replace',
      pendingChange: { quantity: '10', limitPrice: '187.10', stopPrice: null },
      updatedAt: LATER,
      version: 2,
    },
  },
  'GET /api/v1/orders/{id}/events': {
    params: { id: ORDER_ID },
    response: { items: [{ seq: 1, type: 'order.accepted', at: AT, actor: 'user:alice', data: { order } }] },
  },
  'POST /api/v1/orders/{id}/cancel': { params: { id: ORDER_ID }, response: pendingCancel },
  'POST /api/v1/orders/cancel-all': { response: { items: [pendingCancel], failed: [] } },
  'GET /api/v1/positions': {
    response: {
      items: [
        {
          account: 'DU1234567',
          symbol: 'AAPL',
          quantity: '10',
          averageCost: '187.25',
          marketPrice: '188.00',
          marketValue: '1880',
          unrealizedPnl: '7.5',
          realizedPnl: '-1',
          commissions: '1',
          updatedAt: AT,
        },
      ],
    },
  },
  'GET /api/v1/pnl/today': {
    response: {
      date: '2026-01-05',
      realizedPnl: '-1',
      unrealizedPnl: '7.5',
      totalPnl: '6.5',
      commissions: '1',
      fills: 1,
      bySymbol: [
        {
          symbol: 'AAPL',
          realizedPnl: '-1',
          unrealizedPnl: '7.5',
          totalPnl: '6.5',
          commissions: '1',
          fills: 1,
          boughtQuantity: '10',
          soldQuantity: '0',
          position: '10',
          marketPrice: '188.00',
          marked: true,
        },
      ],
    },
  },
  'GET /api/v1/risk/limits': { response: limits },
  'PUT /api/v1/risk/limits': { body: limits, response: limits },
  'GET /api/v1/risk/kill-switch': { response: { engaged: false } },
  'POST /api/v1/risk/kill-switch': {
    body: { engaged: true, reason: 'Runaway strategy', cancelWorkingOrders: true },
    response: {
      engaged: true,
      reason: 'Runaway strategy',
      changedBy: 'user:admin',
      changedAt: AT,
      cancelledOrders: 3,
    },
  },
  'POST /api/v1/marketdata/subscriptions': {
    body: { symbols: ['AAPL', 'MSFT'] },
    response: {
      items: [
        { symbol: 'AAPL', createdAt: AT, createdBy: 'user:alice' },
        { symbol: 'MSFT', createdAt: AT, createdBy: 'user:alice' },
      ],
      added: ['AAPL', 'MSFT'],
    },
  },
  'GET /api/v1/marketdata/subscriptions': {
    response: { items: [{ symbol: 'AAPL', createdAt: AT, createdBy: 'user:alice' }] },
  },
  'DELETE /api/v1/marketdata/subscriptions/{symbol}': { params: { symbol: 'AAPL' } },
  'GET /api/v1/marketdata/{symbol}': {
    params: { symbol: 'AAPL' },
    response: {
      symbol: 'AAPL',
      bid: '187.24',
      ask: '187.26',
      last: '187.25',
      bidSize: '300',
      askSize: '200',
      lastSize: '100',
      at: AT,
      stale: false,
      marketDataType: 'live',
      source: 'stream',
    },
  },

  'POST /api/v1/webhooks': {
    body: {
      url: 'https://hooks.example.com/oms',
      events: ['order.*'],
      description: 'Fills to the trading desk',
    },
    response: { ...webhook, secret },
  },
  'GET /api/v1/webhooks': { query: { limit: '25' }, response: { items: [webhook] } },
  'GET /api/v1/webhooks/{id}': { params: { id: WEBHOOK_ID }, response: webhook },
  'DELETE /api/v1/webhooks/{id}': { params: { id: WEBHOOK_ID } },
  'POST /api/v1/webhooks/{id}/rotate-secret': {
    params: { id: WEBHOOK_ID },
    response: { ...webhook, updatedAt: LATER, secret, previousSecretExpiresAt: '2026-01-06T14:30:01.250Z' },
  },
  'POST /api/v1/webhooks/{id}/test': {
    params: { id: WEBHOOK_ID },
    response: {
      ...delivery,
      eventId: 'test_01JF3Q7S5F1Z3B5D7F9H1K3M5P',
      eventType: 'webhook.test',
      attempts: [
        { attempt: 1, at: AT, durationMs: 35, statusCode: 204, outcome: 'succeeded', trigger: 'test' },
      ],
    },
  },
  'GET /api/v1/webhooks/{id}/deliveries': {
    params: { id: WEBHOOK_ID },
    query: { limit: '10' },
    response: { items: [delivery] },
  },
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': {
    params: { id: WEBHOOK_ID, deliveryId: DELIVERY_ID },
    response: { ...delivery, status: 'pending', updatedAt: LATER },
  },

  'POST /api/v1/auth/login': { body: { username: 'alice', password: 'Correct-Horse-42' }, response: tokens },
  'POST /api/v1/auth/refresh': {
    body: { refreshToken: tokens.refreshToken },
    response: { ...tokens, refreshToken: undefined },
  },
  'POST /api/v1/tenants': {
    body: { name: 'Acme Capital', admin: { username: 'acme-admin', password: 'Correct-Horse-42' } },
    response: {
      id: TENANT,
      name: 'Acme Capital',
      status: 'active',
      createdAt: AT,
      createdBy: 'operator:ops',
      admin: { username: 'acme-admin', role: 'admin' },
    },
  },
  'GET /api/v1/tenants/me': {
    response: {
      id: TENANT,
      name: 'Acme Capital',
      status: 'active',
      createdAt: AT,
      createdBy: 'operator:ops',
      caller: { principal: 'user:alice', kind: 'user', roles: ['trader'], scopes: [] },
    },
  },
  'POST /api/v1/users': {
    body: { username: 'alice', password: 'Correct-Horse-42', role: 'trader' },
    response: user,
  },
  'GET /api/v1/users': { query: { limit: '50' }, response: { items: [user], nextCursor: null } },
  'GET /api/v1/users/{username}': { params: { username: 'alice' }, response: user },
  'PATCH /api/v1/users/{username}': {
    params: { username: 'alice' },
    body: { role: 'viewer' },
    response: { ...user, role: 'viewer', updatedAt: LATER },
  },
  'POST /api/v1/api-keys': {
    body: { name: 'ci', scopes: ['orders:read'] },
    response: { ...apiKey, key: `oms_${TENANT}_${KEY_ID}_NNjt4M9NDOUMAfh4xh4tqZpyMiAVohPeHzpukQh35W4` },
  },
  'GET /api/v1/api-keys': { query: { limit: '50' }, response: { items: [apiKey], nextCursor: null } },
  'GET /api/v1/api-keys/{id}': { params: { id: KEY_ID }, response: apiKey },
  'DELETE /api/v1/api-keys/{id}': { params: { id: KEY_ID }, response: { ...apiKey, revokedAt: LATER } },
  'GET /api/v1/audit': {
    query: { limit: '20' },
    response: {
      items: [
        {
          id: '01JF3Q7S7H3B5D7F9H1K3M5P7R',
          type: 'api_key.created',
          at: AT,
          actor: 'user:admin',
          sourceIp: '203.0.113.7',
          data: { id: KEY_ID, name: 'ci', scopes: ['orders:read'] },
        },
      ],
      nextCursor: null,
    },
  },

  'GET /health': { response: { status: 'ok' } },
  'GET /health/ready': {
    response: {
      status: 'ready',
      checks: {
        database: { ok: true },
        queue: { ok: true },
        broker: { ok: true, detail: 'connected to paper' },
      },
    },
  },
  'GET /api/openapi.json': {},
  'GET /api/docs': {},
  'GET /api/docs/{asset}': { params: { asset: 'swagger-ui.css' } },
};

function problem(
  code: ProblemCode,
  status: number,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
) {
  return {
    ...extra,
    type: problemType(code),
    title,
    status,
    detail,
    code,
    instance: '4281db34-eaa9-447f-a888-8f922dc31792',
  };
}

/** What a route answers for an error status; route-specific where the route has its own code. */
export function problemExample(routeKey: string, status: number): Record<string, unknown> {
  const resource = routeKey.split('/')[3] ?? '';
  switch (status) {
    case 400:
      return problem('VALIDATION_FAILED', 400, 'The request is not valid', 'Invalid request body', {
        issues: [{ path: 'body.quantity', message: 'quantity must be a decimal number' }],
      });
    case 401:
      return problem(
        'UNAUTHENTICATED',
        401,
        'Authentication required',
        'Send a bearer token or an x-api-key',
        { reason: 'MISSING_CREDENTIALS' },
      );
    case 403:
      return problem('FORBIDDEN', 403, 'Not allowed', 'This action needs the orders:write scope', {
        requiredScope: 'orders:write',
      });
    case 404:
      return notFound(resource, routeKey);
    case 409:
      return conflict(resource, routeKey);
    case 422:
      if (resource === 'webhooks')
        return problem(
          'WEBHOOK_URL_FORBIDDEN',
          422,
          'The webhook URL is not allowed',
          'The webhook URL is not allowed: 10.0.0.5 is a private address',
          { url: 'https://10.0.0.5/hook', reason: '10.0.0.5 is a private address' },
        );
      return problem(
        'RISK_MAX_NOTIONAL',
        422,
        'Order rejected by pre-trade risk',
        'Notional 1872500 exceeds the maximum order notional 1000000',
        { orderId: ORDER_ID },
      );
    case 429:
      return problem(
        'RATE_LIMITED',
        429,
        'Too many requests',
        'Rate limit tenant exceeded: at most 600 per 60s',
        { retryAfterSeconds: 12, limit: 600 },
      );
    default:
      return problem('DEPENDENCY_FAILED', status, 'A dependency is unavailable', 'The table did not answer');
  }
}

function notFound(resource: string, routeKey: string) {
  const nf = (code: ProblemCode, what: string, id: string) =>
    problem(code, 404, 'Not found', `${what} ${id} was not found`, { resource: what, id });
  if (routeKey.includes('{deliveryId}'))
    return nf('WEBHOOK_DELIVERY_NOT_FOUND', 'Webhook delivery', DELIVERY_ID);
  if (resource === 'orders') return nf('ORDER_NOT_FOUND', 'Order', ORDER_ID);
  if (resource === 'webhooks') return nf('WEBHOOK_NOT_FOUND', 'Webhook', WEBHOOK_ID);
  if (resource === 'users') return nf('USER_NOT_FOUND', 'User', 'alice');
  if (resource === 'api-keys') return nf('API_KEY_NOT_FOUND', 'API key', KEY_ID);
  if (resource === 'marketdata' && routeKey.includes('subscriptions'))
    return nf('MARKET_DATA_SUBSCRIPTION_NOT_FOUND', 'Market data subscription', 'AAPL');
  if (resource === 'marketdata')
    return problem(
      'MARKET_DATA_UNAVAILABLE',
      404,
      'No quote available',
      'No quote for AAPL: nothing is cached and no snapshot arrived within 5000 ms',
      { symbol: 'AAPL', reason: 'nothing is cached and no snapshot arrived within 5000 ms' },
    );
  return nf('NOT_FOUND', 'Asset', 'swagger-ui.js');
}

function conflict(resource: string, routeKey: string) {
  if (routeKey === 'POST /api/v1/orders')
    return problem(
      'IDEMPOTENCY_KEY_REUSED',
      409,
      'Conflict with the current state',
      'This Idempotency-Key was already used with a different request body',
    );
  if (routeKey.endsWith('/cancel'))
    return problem(
      'ORDER_NOT_CANCELLABLE',
      409,
      'Conflict with the current state',
      `Order ${ORDER_ID} is filled and can no longer be cancelled`,
      { orderId: ORDER_ID, status: 'filled' },
    );
  if (resource === 'orders')
    return problem(
      'ORDER_NOT_MODIFIABLE',
      409,
      'Conflict with the current state',
      `Order ${ORDER_ID} is filled and can no longer be modified`,
      { orderId: ORDER_ID, status: 'filled' },
    );
  if (resource === 'webhooks')
    return problem(
      'WEBHOOK_LIMIT_REACHED',
      409,
      'Conflict with the current state',
      'A tenant may have at most 25 webhook subscriptions',
      { limit: 25 },
    );
  if (resource === 'users')
    return problem('USERNAME_TAKEN', 409, 'Conflict with the current state', 'The username alice is taken', {
      username: 'alice',
    });
  if (resource === 'api-keys')
    return problem(
      'API_KEY_REVOKED',
      409,
      'Conflict with the current state',
      `API key ${KEY_ID} is already revoked`,
      { id: KEY_ID },
    );
  if (resource === 'tenants')
    return problem('TENANT_EXISTS', 409, 'Conflict with the current state', `Tenant ${TENANT} exists`, {
      id: TENANT,
    });
  if (resource === 'marketdata')
    return problem(
      'MARKET_DATA_LINE_LIMIT',
      409,
      'Conflict with the current state',
      'No free market-data line for MSFT',
      { symbols: ['MSFT'] },
    );
  return problem('DEPENDENCY_FAILED', 409, 'Conflict with the current state', 'Changed concurrently; retry');
}

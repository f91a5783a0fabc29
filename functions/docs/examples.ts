/**
 * One worked example per route: the request a user would send and what the API answers. The
 * reference shows them, and test/integration/docs/examples.test.ts validates each against its
 * schema and sends each request to the local stack expecting the documented status.
 */
import {
  ORDER_ID,
  AT,
  LATER,
  TENANT,
  WEBHOOK_ID,
  DELIVERY_ID,
  KEY_ID,
  order,
  pendingCancel,
  user,
  apiKey,
  webhook,
  secret,
  delivery,
  tokens,
  limits,
  type RouteExample,
} from './example-fixtures.ts';
import { strategyExamples } from './strategy-examples.ts';
import { connectionExamples } from '../connections/docs.ts';
import { instrumentExamples } from '../instruments/docs.ts';
export { problemExample } from './problem-examples.ts';
export { bracketExample, ocoExample } from './order-class-examples.ts';

export type { RouteExample } from './example-fixtures.ts';

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
  'GET /api/v1/pnl/history': {
    query: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
    response: {
      items: [{ date: '2026-01-05', realizedPnl: '-1', unrealizedPnl: '7.5', commissions: '1', fills: 1 }],
    },
  },
  'GET /api/v1/fills': {
    query: { symbol: 'AAPL', limit: '50' },
    response: {
      items: [
        {
          id: '0000e0d5.6571a8b2.01.01',
          orderId: ORDER_ID,
          symbol: 'AAPL',
          instrument: { secType: 'STK', symbol: 'AAPL' },
          side: 'buy',
          quantity: '10',
          price: '187.25',
          commission: '1',
          account: 'DU1234567',
          at: '2026-01-05T14:30:01.000Z',
        },
      ],
    },
  },
  'GET /api/v1/reports/trades': {
    query: { from: '2026-01-01T00:00:00Z', format: 'json' },
    response: {
      items: [
        {
          at: '2026-01-05T14:30:01.000Z',
          execId: '0000e0d5.6571a8b2.01.01',
          orderId: ORDER_ID,
          clientOrderId: 'my-order-1',
          account: 'DU1234567',
          symbol: 'AAPL',
          side: 'buy',
          quantity: '10',
          price: '187.25',
          notional: '1872.5',
          commission: '1',
          realizedPnl: '0',
          orderType: 'limit',
          limitPrice: '187.50',
          timeInForce: 'day',
          orderQuantity: '10',
          orderStatus: 'filled',
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

  ...strategyExamples,
  ...connectionExamples,
  ...instrumentExamples,

  'GET /health': { response: { status: 'ok' } },
  'GET /health/ready': {
    response: {
      status: 'ready',
      checks: { database: 'up', queue: 'up', broker: 'up' },
      connections: { c7k2m9x4p1q8z: 'up', cdemo: 'up' },
    },
  },
  'GET /api/openapi.json': {},
  'GET /api/docs': {},
  'GET /api/docs/{asset}': { params: { asset: 'swagger-ui.css' } },
};

/**
 * What the API reference says about each route, built from the same zod schemas the handlers
 * validate with. test/unit/docs checks that every topology route has an entry here.
 */
import * as z from 'zod';
import { ModifyOrderRequest, NewOrderRequest } from '../../core/orders/order.ts';
import { KillSwitchRequest, RiskLimits } from '../../core/risk/limits.ts';
import { CreateWebhookRequest, PageQuery as WebhookPageQuery } from '../../core/webhooks/model.ts';
import { ListOrdersQuery } from '../orders/schemas.ts';
import { body as loginBody } from '../auth/login.ts';
import { body as refreshBody } from '../auth/refresh.ts';
import { body as createTenantBody } from '../tenants/create.ts';
import { body as createUserBody } from '../users/create.ts';
import { body as updateUserBody } from '../users/update.ts';
import { body as createApiKeyBody } from '../api-keys/create.ts';
import { query as auditQuery } from '../audit/list.ts';
import { pageQuery } from '../auth/services.ts';
import { ORDER_EVENT_TYPES } from '../../core/orders/events.ts';
import { ORDER_STATUSES } from '../../core/orders/status.ts';
import {
  QuoteQuery,
  QuoteViewSchema,
  SubscribeRequest,
  SubscribeResultSchema,
  SubscriptionListSchema,
} from '../../core/marketdata/schemas.ts';
import { strategyDocs } from '../strategies/docs.ts';

export interface RouteDoc {
  summary: string;
  tag: string;
  description?: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Request headers beyond authentication. */
  headers?: z.ZodObject;
  success: { status: number; description: string; schema?: z.ZodType };
}

const decimal = z.string().meta({ description: 'A decimal number as a string', example: '187.25' });

export const OrderView = z
  .object({
    id: z.string().meta({ description: 'Our order id (a ULID)' }),
    clientOrderId: z.string().nullable(),
    symbol: z.string(),
    side: z.enum(['buy', 'sell']),
    quantity: decimal,
    type: z.enum(['market', 'limit', 'stop', 'stop_limit']),
    limitPrice: decimal.nullable(),
    stopPrice: decimal.nullable(),
    timeInForce: z.enum(['day', 'gtc', 'ioc', 'fok']),
    account: z.string().nullable(),
    outsideRth: z.boolean(),
    status: z.enum(ORDER_STATUSES),
    filledQuantity: decimal,
    remainingQuantity: decimal,
    averageFillPrice: decimal.nullable(),
    rejectReason: z.string().optional(),
    rejectCode: z.string().nullable().optional(),
    brokerOrderId: z.number().int().optional(),
    brokerPermId: z.number().int().optional(),
    pendingChange: z
      .object({ quantity: decimal, limitPrice: decimal.nullable(), stopPrice: decimal.nullable() })
      .optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'Order' });

const OrderPage = z
  .object({ items: z.array(OrderView), nextCursor: z.string().nullable() })
  .meta({ id: 'OrderPage' });
const OrderEvents = z
  .object({
    items: z.array(
      z.object({
        seq: z.number().int(),
        type: z.enum(ORDER_EVENT_TYPES),
        at: z.string(),
        actor: z.string(),
        reason: z.string().optional(),
        data: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .meta({ id: 'OrderEvents' });
const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .meta({ description: 'Repeat it to retry safely; the same key with another body is a 409' }),
});
const idParam = 'id';
const anyObject = z.record(z.string(), z.unknown());

const ok = (description: string, schema?: z.ZodType, status = 200) => ({
  status,
  description,
  ...(schema ? { schema } : {}),
});

export const catalog: Record<string, RouteDoc> = {
  ...strategyDocs,
  'GET /health': {
    summary: 'Liveness',
    tag: 'service',
    success: ok('The process answers', z.object({ status: z.literal('ok') })),
  },
  'GET /health/ready': {
    summary: 'Readiness: table, queue and broker connection',
    tag: 'service',
    success: ok('Every dependency answers'),
  },
  'GET /api/openapi.json': {
    summary: 'This OpenAPI 3.1 document',
    tag: 'service',
    success: ok('The document'),
  },
  'GET /api/docs': { summary: 'Interactive API reference', tag: 'service', success: ok('An HTML page') },
  'GET /api/docs/{asset}': {
    summary: 'Static files of the interactive reference',
    tag: 'service',
    success: ok('The file'),
  },

  'POST /api/v1/auth/login': {
    summary: 'Log in with username and password',
    tag: 'auth',
    body: loginBody,
    success: ok('Tokens'),
  },
  'POST /api/v1/auth/refresh': {
    summary: 'New tokens for a refresh token',
    tag: 'auth',
    body: refreshBody,
    success: ok('Tokens'),
  },
  'POST /api/v1/tenants': {
    summary: 'Create a tenant with its first admin (platform operator)',
    tag: 'tenancy',
    body: createTenantBody,
    success: ok('The tenant', anyObject, 201),
  },
  'GET /api/v1/tenants/me': {
    summary: "The caller's tenant",
    tag: 'tenancy',
    success: ok('The tenant', anyObject),
  },
  'POST /api/v1/users': {
    summary: 'Create a user (admin)',
    tag: 'tenancy',
    body: createUserBody,
    success: ok('The user', anyObject, 201),
  },
  'GET /api/v1/users': {
    summary: 'List users (admin)',
    tag: 'tenancy',
    query: pageQuery,
    success: ok('A page of users'),
  },
  'GET /api/v1/users/{username}': { summary: 'A user (admin)', tag: 'tenancy', success: ok('The user') },
  'PATCH /api/v1/users/{username}': {
    summary: "Change a user's role or state (admin)",
    tag: 'tenancy',
    body: updateUserBody,
    success: ok('The user'),
  },
  'POST /api/v1/api-keys': {
    summary: 'Create an API key, shown once',
    tag: 'tenancy',
    body: createApiKeyBody,
    success: ok('The key', anyObject, 201),
  },
  'GET /api/v1/api-keys': {
    summary: 'List API keys',
    tag: 'tenancy',
    query: pageQuery,
    success: ok('A page of keys'),
  },
  'GET /api/v1/api-keys/{id}': { summary: 'An API key', tag: 'tenancy', success: ok('The key') },
  'DELETE /api/v1/api-keys/{id}': { summary: 'Revoke an API key', tag: 'tenancy', success: ok('Revoked') },
  'GET /api/v1/audit': {
    summary: 'Security audit log (admin)',
    tag: 'tenancy',
    query: auditQuery,
    success: ok('A page of audit entries'),
  },

  'POST /api/v1/orders': {
    summary: 'Place an order',
    description:
      'Validated, checked by pre-trade risk, persisted, then queued for the broker. A risk denial is recorded as a rejected order and answered with 422.',
    tag: 'orders',
    body: NewOrderRequest,
    headers: IdempotencyHeaders,
    success: ok('The accepted order, in pending_new', OrderView, 201),
  },
  'GET /api/v1/orders': {
    summary: 'List orders, newest first',
    tag: 'orders',
    query: ListOrdersQuery,
    success: ok('A page of orders', OrderPage),
  },
  'POST /api/v1/orders/cancel-all': {
    summary: 'Cancel every working order',
    tag: 'orders',
    success: ok('The orders now pending cancel', anyObject, 202),
  },
  'GET /api/v1/orders/{id}': { summary: 'An order', tag: 'orders', success: ok('The order', OrderView) },
  'PATCH /api/v1/orders/{id}': {
    summary: 'Modify a working order (risk checks again)',
    tag: 'orders',
    body: ModifyOrderRequest,
    success: ok('The order, pending replace', OrderView, 202),
  },
  'GET /api/v1/orders/{id}/events': {
    summary: "An order's audit trail, oldest first",
    tag: 'orders',
    success: ok('The events', OrderEvents),
  },
  'POST /api/v1/orders/{id}/cancel': {
    summary: 'Cancel an order',
    tag: 'orders',
    success: ok('The order, pending cancel', OrderView, 202),
  },

  'GET /api/v1/risk/limits': {
    summary: 'Pre-trade risk limits',
    tag: 'risk',
    success: ok('The limits', anyObject),
  },
  'PUT /api/v1/risk/limits': {
    summary: 'Replace the risk limits (admin)',
    tag: 'risk',
    body: RiskLimits,
    success: ok('The limits', anyObject),
  },
  'GET /api/v1/risk/kill-switch': { summary: 'Kill switch state', tag: 'risk', success: ok('The state') },
  'POST /api/v1/risk/kill-switch': {
    summary: 'Engage or release the kill switch (admin)',
    tag: 'risk',
    body: KillSwitchRequest,
    success: ok('The state'),
  },

  'POST /api/v1/webhooks': {
    summary: 'Subscribe a URL to events; the signing secret is shown once',
    tag: 'webhooks',
    body: CreateWebhookRequest,
    success: ok('The subscription', anyObject, 201),
  },
  'GET /api/v1/webhooks': {
    summary: 'List webhook subscriptions',
    tag: 'webhooks',
    query: WebhookPageQuery,
    success: ok('A page of subscriptions'),
  },
  'GET /api/v1/webhooks/{id}': {
    summary: 'A webhook subscription',
    tag: 'webhooks',
    success: ok('The subscription'),
  },
  'DELETE /api/v1/webhooks/{id}': {
    summary: 'Delete a webhook subscription',
    tag: 'webhooks',
    success: ok('Deleted'),
  },
  'POST /api/v1/webhooks/{id}/rotate-secret': {
    summary: 'Rotate the signing secret',
    tag: 'webhooks',
    success: ok('The new secret'),
  },
  'POST /api/v1/webhooks/{id}/test': { summary: 'Send a test event', tag: 'webhooks', success: ok('Queued') },
  'GET /api/v1/webhooks/{id}/deliveries': {
    summary: 'Delivery attempts',
    tag: 'webhooks',
    query: WebhookPageQuery,
    success: ok('A page of attempts'),
  },
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': {
    summary: 'Deliver an event again',
    tag: 'webhooks',
    success: ok('Queued'),
  },

  'POST /api/v1/marketdata/subscriptions': {
    summary: 'Stream quotes of symbols into the cache',
    tag: 'marketdata',
    description:
      'All or none. One broker line per symbol is shared by every tenant; a symbol nobody streams yet needs a free line (409 MARKET_DATA_LINE_LIMIT otherwise). 201 when something was added, 200 when the tenant held them all.',
    body: SubscribeRequest,
    success: ok("The tenant's subscriptions", SubscribeResultSchema, 201),
  },
  'GET /api/v1/marketdata/subscriptions': {
    summary: "The tenant's market-data subscriptions",
    tag: 'marketdata',
    success: ok('The subscriptions', SubscriptionListSchema),
  },
  'DELETE /api/v1/marketdata/subscriptions/{symbol}': {
    summary: 'Stop streaming a symbol for this tenant',
    tag: 'marketdata',
    success: ok('Unsubscribed', undefined, 204),
  },
  'GET /api/v1/positions': {
    summary: "The tenant's positions",
    tag: 'positions',
    description:
      'Per broker account and symbol, from the fills the bridge applied; marked to the latest cached quote when there is one (marketPrice, marketValue and unrealizedPnl are null otherwise). Realized P&L is net of commissions.',
    success: ok('The positions'),
  },
  'GET /api/v1/pnl/today': {
    summary: "The tenant's P&L for today (UTC trading day)",
    tag: 'positions',
    description:
      'Realized P&L (net of commissions), commissions and fill count of the day, unrealized P&L of open positions marked to the latest cached quotes, per symbol and in total.',
    success: ok('The day P&L'),
  },
  'GET /api/v1/marketdata/{symbol}': {
    summary: 'The latest cached quote',
    tag: 'marketdata',
    description:
      'Served from the cache with a stale flag. With nothing cached, the bridge takes a snapshot, waited for a few seconds; 404 MARKET_DATA_UNAVAILABLE when none comes.',
    query: QuoteQuery,
    success: ok('The quote', QuoteViewSchema),
  },
};

export { idParam };

/**
 * What the API reference says about each route, built from the same zod schemas the handlers
 * validate with. test/integration/docs checks that every topology route has an entry here.
 * Orders come first: the document (and the interactive reference) follows this order.
 */
import * as z from 'zod';
import { ModifyOrderRequest } from '../../core/orders/order.ts';
import { PlaceOrderRequest } from '../../core/orders/order-class.ts';
import { KillSwitchRequest, RiskLimits } from '../../core/risk/limits.ts';
import { CreateWebhookRequest, PageQuery as WebhookPageQuery } from '../../core/webhooks/model.ts';
import { ListOrdersQuery } from '../orders/schemas.ts';
import { body as loginBody } from '../auth/login.ts';
import { body as refreshBody } from '../auth/refresh.ts';
import { body as logoutBody } from '../auth/logout.ts';
import { body as updateTenantBody } from '../tenants/update.ts';
import { body as createTenantBody } from '../tenants/create.ts';
import { body as createUserBody } from '../users/create.ts';
import { body as updateUserBody } from '../users/update.ts';
import { body as createApiKeyBody } from '../api-keys/create.ts';
import { query as auditQuery } from '../audit/list.ts';
import { pageQuery } from '../auth/services.ts';
import {
  QuoteQuery,
  QuoteViewSchema,
  SubscribeRequest,
  SubscribeResultSchema,
  SubscriptionListSchema,
} from '../../core/marketdata/schemas.ts';
import * as view from './views.ts';
import { FillsQuery, PnlHistoryQuery, TradesQuery } from '../../core/reports/model.ts';

export { OrderView } from './views.ts';
import { strategyDocs } from '../strategies/docs.ts';
import { connectionDocs } from '../connections/docs.ts';
import { instrumentDocs } from '../instruments/docs.ts';
import { AccountQuery } from '../positions/list.ts';

export interface RouteDoc {
  /** Stable name for generated clients: `placeOrder`, `listOrders`. */
  operationId: string;
  summary: string;
  tag: string;
  description?: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Request headers beyond authentication. */
  headers?: z.ZodObject;
  success: { status: number; description: string; schema?: z.ZodType; contentType?: string };
}

const IdempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).meta({
    description: 'Repeat it to retry safely; the same key with another body is a 409',
    example: '5b0e8a4e-6f8d-4a43-9d3f-7f1f3c1b2a90',
  }),
});

const ok = (description: string, schema?: z.ZodType, status = 200) => ({
  status,
  description,
  ...(schema ? { schema } : {}),
});

type Entry = Omit<RouteDoc, 'operationId'>;
const doc = (operationId: string, entry: Entry): RouteDoc => ({ operationId, ...entry });

export const catalog: Record<string, RouteDoc> = {
  'POST /api/v1/orders': doc('placeOrder', {
    summary: 'Place an order',
    description:
      'Validated, checked by pre-trade risk, persisted, then queued for the broker. A risk denial is recorded as a rejected order and answered with 422. ' +
      '`orderClass` bracket (entry + takeProfit + stopLoss), oto (entry + one of them) or oco (`legs`: two exits of one position) places a group: ' +
      'each leg is an order of its own, linked by `groupId` and `parentId`; risk counts the group once, at its worst case, and the answer is the first leg with `legs`. See docs/order-classes.md.',
    tag: 'orders',
    body: PlaceOrderRequest,
    headers: IdempotencyHeaders,
    success: ok('The accepted order (with its legs for a group), in pending_new', view.PlacedOrderView, 201),
  }),
  'GET /api/v1/orders': doc('listOrders', {
    summary: 'List orders, newest first',
    tag: 'orders',
    query: ListOrdersQuery,
    success: ok('A page of orders', view.OrderPage),
  }),
  'GET /api/v1/orders/{id}': doc('getOrder', {
    summary: 'An order',
    tag: 'orders',
    success: ok('The order', view.OrderView),
  }),
  'PATCH /api/v1/orders/{id}': doc('modifyOrder', {
    summary: 'Modify a working order (risk checks again)',
    tag: 'orders',
    body: ModifyOrderRequest,
    success: ok('The order, pending replace', view.OrderView, 202),
  }),
  'GET /api/v1/orders/{id}/events': doc('listOrderEvents', {
    summary: "An order's audit trail, oldest first",
    tag: 'orders',
    success: ok('The events', view.OrderEvents),
  }),
  'POST /api/v1/orders/{id}/cancel': doc('cancelOrder', {
    summary: 'Cancel an order',
    tag: 'orders',
    success: ok('The order, pending cancel', view.OrderView, 202),
  }),
  'POST /api/v1/orders/cancel-all': doc('cancelAllOrders', {
    summary: 'Cancel every working order',
    tag: 'orders',
    success: ok('The orders now pending cancel', view.CancelAllResult, 202),
  }),

  'GET /api/v1/positions': doc('listPositions', {
    summary: "The tenant's positions",
    tag: 'positions',
    description:
      'Per broker account and symbol, from the fills the bridge applied; marked to the latest cached quote when there is one (marketPrice, marketValue and unrealizedPnl are null otherwise). Realized P&L is net of commissions.',
    query: AccountQuery,
    success: ok('The positions', view.PositionList),
  }),
  'GET /api/v1/pnl/today': doc('getTodayPnl', {
    summary: "The tenant's P&L for today (UTC trading day)",
    tag: 'positions',
    description:
      'Realized P&L (net of commissions), commissions and fill count of the day, unrealized P&L of open positions marked to the latest cached quotes, per symbol and in total.',
    query: AccountQuery,
    success: ok('The day P&L', view.DayPnl),
  }),
  'GET /api/v1/pnl/history': doc('getPnlHistory', {
    summary: 'P&L per trading day',
    tag: 'positions',
    description:
      "A row per trading day (UTC) with fills in range: realized P&L net of commissions, unrealized P&L of the day's end positions marked to each symbol's last fill price, commissions and fill count. Computed from the fills.",
    query: PnlHistoryQuery,
    success: ok('The days', view.PnlHistory),
  }),
  'GET /api/v1/fills': doc('listFills', {
    summary: "The tenant's fills",
    tag: 'positions',
    description:
      'Executions as the broker reported them (each execId once), filtered by symbol, account and time (`to` exclusive), a page at a time.',
    query: FillsQuery,
    success: ok('A page of fills', view.FillPage),
  }),
  'GET /api/v1/reports/trades': doc('getTradeBlotter', {
    summary: 'The trade blotter (JSON or CSV)',
    tag: 'positions',
    description:
      "One row per fill with its order's fields, oldest first. `format=csv` answers `text/csv` (RFC 4180, header row); large ranges are read in pages inside the handler.",
    query: TradesQuery,
    success: ok('The blotter', view.TradeBlotter),
  }),

  'GET /api/v1/risk/limits': doc('getRiskLimits', {
    summary: 'Pre-trade risk limits',
    tag: 'risk',
    success: ok('The limits', view.RiskLimitsView),
  }),
  'PUT /api/v1/risk/limits': doc('putRiskLimits', {
    summary: 'Replace the risk limits (admin)',
    tag: 'risk',
    body: RiskLimits,
    success: ok('The limits', view.RiskLimitsView),
  }),
  'GET /api/v1/risk/kill-switch': doc('getKillSwitch', {
    summary: 'Kill switch state',
    tag: 'risk',
    success: ok('The state', view.KillSwitchState),
  }),
  'POST /api/v1/risk/kill-switch': doc('setKillSwitch', {
    summary: 'Engage or release the kill switch (admin)',
    tag: 'risk',
    body: KillSwitchRequest,
    success: ok('The state', view.KillSwitchState),
  }),

  'POST /api/v1/marketdata/subscriptions': doc('subscribeMarketData', {
    summary: 'Stream quotes of symbols into the cache',
    tag: 'marketdata',
    description:
      'All or none. One broker line per symbol is shared by every tenant; a symbol nobody streams yet needs a free line (409 MARKET_DATA_LINE_LIMIT otherwise). 201 when something was added, 200 when the tenant held them all.',
    body: SubscribeRequest,
    success: ok("The tenant's subscriptions", SubscribeResultSchema, 201),
  }),
  'GET /api/v1/marketdata/subscriptions': doc('listMarketDataSubscriptions', {
    summary: "The tenant's market-data subscriptions",
    tag: 'marketdata',
    success: ok('The subscriptions', SubscriptionListSchema),
  }),
  'DELETE /api/v1/marketdata/subscriptions/{symbol}': doc('unsubscribeMarketData', {
    summary: 'Stop streaming a symbol for this tenant',
    tag: 'marketdata',
    success: ok('Unsubscribed', undefined, 204),
  }),
  'GET /api/v1/marketdata/{symbol}': doc('getQuote', {
    summary: 'The latest cached quote',
    tag: 'marketdata',
    description:
      'Served from the cache with a stale flag. With nothing cached, the bridge takes a snapshot, waited for a few seconds; 404 MARKET_DATA_UNAVAILABLE when none comes.',
    query: QuoteQuery,
    success: ok('The quote', QuoteViewSchema),
  }),

  'POST /api/v1/webhooks': doc('createWebhook', {
    summary: 'Subscribe a URL to events; the signing secret is shown once',
    tag: 'webhooks',
    body: CreateWebhookRequest,
    success: ok('The subscription', view.WebhookWithSecret, 201),
  }),
  'GET /api/v1/webhooks': doc('listWebhooks', {
    summary: 'List webhook subscriptions',
    tag: 'webhooks',
    query: WebhookPageQuery,
    success: ok('A page of subscriptions', view.WebhookPage),
  }),
  'GET /api/v1/webhooks/{id}': doc('getWebhook', {
    summary: 'A webhook subscription',
    tag: 'webhooks',
    success: ok('The subscription', view.WebhookSubscription),
  }),
  'DELETE /api/v1/webhooks/{id}': doc('deleteWebhook', {
    summary: 'Delete a webhook subscription',
    tag: 'webhooks',
    success: ok('Deleted', undefined, 204),
  }),
  'POST /api/v1/webhooks/{id}/rotate-secret': doc('rotateWebhookSecret', {
    summary: 'Rotate the signing secret',
    tag: 'webhooks',
    success: ok('The subscription with its new secret', view.WebhookWithSecret),
  }),
  'POST /api/v1/webhooks/{id}/test': doc('testWebhook', {
    summary: 'Send a webhook.test event now, once',
    tag: 'webhooks',
    success: ok('The delivery with its attempt', view.WebhookDelivery),
  }),
  'GET /api/v1/webhooks/{id}/deliveries': doc('listWebhookDeliveries', {
    summary: 'Deliveries, newest first, each with every attempt',
    tag: 'webhooks',
    query: WebhookPageQuery,
    success: ok('A page of deliveries', view.WebhookDeliveryPage),
  }),
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': doc('redeliverWebhook', {
    summary: 'Deliver an event again, with the same webhook-id',
    tag: 'webhooks',
    success: ok('The delivery, pending again', view.WebhookDelivery, 202),
  }),

  'POST /api/v1/auth/login': doc('login', {
    summary: 'Log in with username and password',
    tag: 'auth',
    body: loginBody,
    success: ok('Tokens', view.Tokens),
  }),
  'POST /api/v1/auth/refresh': doc('refreshTokens', {
    summary: 'New tokens for a refresh token',
    tag: 'auth',
    body: refreshBody,
    success: ok('Tokens', view.Tokens),
  }),
  'POST /api/v1/tenants': doc('createTenant', {
    summary: 'Create a tenant with its first admin (platform operator)',
    tag: 'tenancy',
    body: createTenantBody,
    success: ok('The tenant', view.CreatedTenant, 201),
  }),
  'GET /api/v1/tenants/me': doc('getMyTenant', {
    summary: "The caller's tenant",
    tag: 'tenancy',
    success: ok('The tenant and who is calling', view.TenantWithCaller),
  }),
  'POST /api/v1/users': doc('createUser', {
    summary: 'Create a user (admin)',
    tag: 'tenancy',
    body: createUserBody,
    success: ok('The user', view.User, 201),
  }),
  'GET /api/v1/users': doc('listUsers', {
    summary: 'List users (admin)',
    tag: 'tenancy',
    query: pageQuery,
    success: ok('A page of users', view.UserPage),
  }),
  'GET /api/v1/users/{username}': doc('getUser', {
    summary: 'A user (admin)',
    tag: 'tenancy',
    success: ok('The user', view.User),
  }),
  'PATCH /api/v1/users/{username}': doc('updateUser', {
    summary: "Change a user's role or state (admin)",
    tag: 'tenancy',
    body: updateUserBody,
    success: ok('The user', view.User),
  }),
  'POST /api/v1/api-keys': doc('createApiKey', {
    summary: 'Create an API key, shown once',
    tag: 'tenancy',
    body: createApiKeyBody,
    success: ok('The key', view.CreatedApiKey, 201),
  }),
  'GET /api/v1/api-keys': doc('listApiKeys', {
    summary: 'List API keys',
    tag: 'tenancy',
    query: pageQuery,
    success: ok('A page of keys', view.ApiKeyPage),
  }),
  'GET /api/v1/api-keys/{id}': doc('getApiKey', {
    summary: 'An API key',
    tag: 'tenancy',
    success: ok('The key', view.ApiKey),
  }),
  'DELETE /api/v1/api-keys/{id}': doc('revokeApiKey', {
    summary: 'Revoke an API key',
    tag: 'tenancy',
    success: ok('The revoked key', view.ApiKey),
  }),
  'GET /api/v1/audit': doc('listAudit', {
    summary: 'Security audit log (admin)',
    tag: 'tenancy',
    query: auditQuery,
    success: ok('A page of audit entries', view.AuditPage),
  }),

  'POST /api/v1/auth/logout': doc('logout', {
    summary: 'End the session of a refresh token',
    tag: 'auth',
    description:
      'Revokes the refresh token and every token rotated from the same login (Cognito: RevokeToken). Always 204.',
    body: logoutBody,
    success: ok('The session is over', undefined, 204),
  }),
  'GET /api/v1/tenants': doc('listTenants', {
    summary: 'List tenants (platform operator)',
    tag: 'tenancy',
    query: pageQuery,
    success: ok('A page of tenants, oldest first', view.TenantPage),
  }),
  'PATCH /api/v1/tenants/{id}': doc('updateTenant', {
    summary: 'Suspend or reactivate a tenant (platform operator)',
    tag: 'tenancy',
    description:
      "A suspended tenant's tokens and keys get 403 TENANT_SUSPENDED. With cancelWorkingOrders, its working orders are cancelled in the same call.",
    body: updateTenantBody,
    success: ok('The tenant, with cancelledOrders', view.TenantStatusChange),
  }),
  'GET /health/ready/details': doc('getReadinessDetails', {
    summary: 'Readiness with what each dependency reported (platform operator)',
    tag: 'service',
    success: ok('Each check with its detail', view.ReadinessDetails),
  }),

  ...strategyDocs,

  ...connectionDocs,
  ...instrumentDocs,

  'GET /health': doc('getLiveness', {
    summary: 'Liveness',
    tag: 'service',
    success: ok('The process answers', view.Liveness),
  }),
  'GET /health/ready': doc('getReadiness', {
    summary: 'Readiness: table, queue and broker connection',
    tag: 'service',
    success: ok('Every dependency answers (503 with the same body when one does not)', view.Readiness),
  }),
  'GET /api/openapi.json': doc('getOpenApiDocument', {
    summary: 'This OpenAPI 3.1 document',
    tag: 'service',
    success: ok('The document'),
  }),
  'GET /api/docs': doc('getApiReference', {
    summary: 'Interactive API reference',
    tag: 'service',
    success: { status: 200, description: 'An HTML page', contentType: 'text/html' },
  }),
  'GET /api/docs/{asset}': doc('getApiReferenceAsset', {
    summary: 'Static files of the interactive reference',
    tag: 'service',
    success: ok('The file'),
  }),
};

/** Tag order in the document: what a trader needs first. */
export const TAGS = [
  { name: 'orders', description: 'Place, list, modify and cancel orders' },
  { name: 'positions', description: 'Positions and P&L' },
  { name: 'risk', description: 'Pre-trade risk limits and the kill switch' },
  { name: 'marketdata', description: 'Quotes and market-data subscriptions' },
  { name: 'instruments', description: 'Contract search and details at the broker' },
  { name: 'webhooks', description: 'Signed event deliveries (Standard Webhooks)' },
  { name: 'strategies', description: 'Tenants’ own sandboxed strategies and their backtests' },
  { name: 'connections', description: 'Broker connections (IB logins) and the accounts each tenant owns' },
  { name: 'auth', description: 'Tokens for users' },
  { name: 'tenancy', description: 'Tenants, users, API keys and the security audit log' },
  { name: 'service', description: 'Health and this reference' },
];

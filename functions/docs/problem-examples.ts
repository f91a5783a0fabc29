/** What each route answers for an error status, for the API reference; validated by test/integration/docs. */
import { problemType } from '../../core/errors.ts';
import type { ProblemCode } from './problem-codes.ts';
import { DELIVERY_ID, KEY_ID, ORDER_ID, TENANT, WEBHOOK_ID } from './example-fixtures.ts';
import { BACKTEST_ID, STRATEGY_ID } from './strategy-examples.ts';

/** Routes only the platform operator may call; anyone else gets 403 whatever the role. */
const OPERATOR_ROUTES = new Set([
  'POST /api/v1/tenants',
  'GET /api/v1/tenants',
  'PATCH /api/v1/tenants/{id}',
  'GET /health/ready/details',
  'POST /api/v1/tenants/{id}/accounts',
]);

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
      if (OPERATOR_ROUTES.has(routeKey))
        return problem('FORBIDDEN', 403, 'Not allowed', 'Only a platform operator may do this');
      if (resource === 'connections' || resource === 'accounts')
        return problem('FORBIDDEN', 403, 'Not allowed', 'This action needs the connections:write scope', {
          requiredScope: 'connections:write',
        });
      if (resource === 'strategies' || resource === 'backtests')
        return problem('FORBIDDEN', 403, 'Not allowed', 'This action needs the strategies:write scope', {
          requiredScope: 'strategies:write',
        });
      return problem('FORBIDDEN', 403, 'Not allowed', 'This action needs the orders:write scope', {
        requiredScope: 'orders:write',
      });
    case 404:
      return notFound(resource, routeKey);
    case 409:
      return conflict(resource, routeKey);
    case 504:
      return problem(
        'BROKER_TIMEOUT',
        504,
        'The broker did not answer in time',
        'The broker did not answer the what_if request within 3000 ms; the connection may be down. Retry later',
        { request: 'what_if', waitMs: 3000 },
      );
    case 422:
      if (routeKey === 'POST /api/v1/orders/preview')
        return problem(
          'ACCOUNT_NOT_FOUND',
          422,
          'Not one of your accounts',
          "Account DU7654321 is not one of this tenant's accounts",
          { account: 'DU7654321' },
        );
      if (resource === 'strategies' && routeKey.endsWith('/backtests'))
        return problem(
          'BARS_UNAVAILABLE',
          422,
          'No bars for the backtest',
          'No broker connection serves historical bars here; upload bars',
        );
      if (resource === 'strategies')
        return problem(
          'STRATEGY_COMPILE_ERROR',
          422,
          'The strategy does not compile',
          'The strategy does not compile: Expected ")" but found "{"',
          { errors: [{ line: 2, column: 11, message: 'Expected ")" but found "{"' }] },
        );
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
  if (resource === 'connections') return nf('CONNECTION_NOT_FOUND', 'Connection', 'c7k2m9x4p1q8z');
  if (resource === 'accounts') return nf('ACCOUNT_NOT_FOUND', 'Account', 'DU1234567');
  if (resource === 'instruments') return nf('INSTRUMENT_NOT_FOUND', 'Instrument', '999999991');
  if (resource === 'strategies') return nf('STRATEGY_NOT_FOUND', 'Strategy', STRATEGY_ID);
  if (resource === 'backtests') return nf('BACKTEST_NOT_FOUND', 'Backtest', BACKTEST_ID);
  if (resource === 'tenants') return nf('TENANT_NOT_FOUND', 'Tenant', TENANT);
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
  if (resource === 'strategies' && routeKey === 'POST /api/v1/strategies')
    return problem(
      'STRATEGY_LIMIT',
      409,
      'Conflict with the current state',
      'A tenant may have at most 50 strategies',
      { max: 50 },
    );
  if (resource === 'strategies')
    return problem(
      'STRATEGY_VERSION_CONFLICT',
      409,
      'Conflict with the current state',
      `Strategy ${STRATEGY_ID} changed meanwhile; retry`,
    );
  if (resource === 'connections')
    return problem(
      'CONNECTION_IN_USE',
      409,
      'Conflict with the current state',
      'Connection c7k2m9x4p1q8z has 2 working orders',
      { id: 'c7k2m9x4p1q8z', workingOrders: 2 },
    );
  if (routeKey === 'POST /api/v1/tenants/{id}/accounts')
    return problem(
      'ACCOUNT_OWNED',
      409,
      'Conflict with the current state',
      'Account DU7654321 already belongs to a tenant',
      {
        account: 'DU7654321',
      },
    );
  if (routeKey === 'POST /api/v1/tenants')
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

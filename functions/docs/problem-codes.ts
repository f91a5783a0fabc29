/**
 * Every stable `code` a problem+json answer can carry, for the reference and generated clients.
 * test/unit/docs/problem-codes.test.ts scans the sources for codes and fails when one is missing.
 */
import { RISK_CODES } from '../../core/risk/checks.ts';

export const PROBLEM_CODES = [
  // Requests
  'VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  // Access
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'SELF_LOCKOUT',
  'USERNAME_TAKEN',
  'TENANT_EXISTS',
  'TENANT_NOT_FOUND',
  'TENANT_SUSPENDED',
  'USER_NOT_FOUND',
  'API_KEY_NOT_FOUND',
  'API_KEY_REVOKED',
  'NOT_FOUND',
  // Orders
  'ORDER_NOT_FOUND',
  'ORDER_NOT_CANCELLABLE',
  'ORDER_NOT_MODIFIABLE',
  'ORDER_GROUP_LEG_NOT_MODIFIABLE',
  'ORDER_VERSION_CONFLICT',
  'IDEMPOTENCY_KEY_REUSED',
  'DUPLICATE_CLIENT_ORDER_ID',
  'ILLEGAL_TRANSITION',
  'ORDER_ID_RACE',
  'POSITION_VERSION_CONFLICT',
  'PARENT_NOT_PLACED',
  // Pre-trade risk (422 on POST /orders and PATCH /orders/{id})
  ...Object.values(RISK_CODES),
  // Webhooks
  'WEBHOOK_URL_FORBIDDEN',
  'WEBHOOK_LIMIT_REACHED',
  'WEBHOOK_NOT_FOUND',
  'WEBHOOK_DELIVERY_NOT_FOUND',
  // Market data
  'MARKET_DATA_LINE_LIMIT',
  'MARKET_DATA_UNAVAILABLE',
  'MARKET_DATA_CONTENTION',
  'MARKET_DATA_SUBSCRIPTION_NOT_FOUND',
  // Strategies and backtests
  'STRATEGY_COMPILE_ERROR',
  'STRATEGY_NOT_FOUND',
  'STRATEGY_VERSION_CONFLICT',
  'STRATEGY_LIMIT',
  'BACKTEST_NOT_FOUND',
  'BARS_UNAVAILABLE',
  // Connections and accounts
  'CONNECTION_NOT_FOUND',
  'CONNECTION_IN_USE',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_OWNED',
  'ACCOUNT_NOT_ON_CONNECTION',
  'ACCOUNT_VALUES_UNAVAILABLE',
  // Broker requests and instruments
  'BROKER_TIMEOUT',
  'BROKER_REQUEST_FAILED',
  'INSTRUMENT_NOT_FOUND',
  'INSTRUMENT_UNKNOWN',
  'INSTRUMENT_AMBIGUOUS',
  'INSTRUMENT_NOT_TRADABLE',
  // Event stream (WebSocket error frames carry the same codes)
  'STREAM_MESSAGE_INVALID',
  'STREAM_CURSOR_INVALID',
  'MARKET_DATA_NOT_SUBSCRIBED',
  // Infrastructure
  'DEPENDENCY_FAILED',
  'INTERNAL',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** Sample resources shared by the route and problem examples of the API reference. */

/** The worked example of one route, as functions/docs/examples.ts lists them. */
export interface RouteExample {
  /** Path parameters (the test swaps in ids it created). */
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  response?: unknown;
}

export const ORDER_ID = '01JF3Q7RZ8E4XK2M5N6P7Q8R9S';
export const AT = '2026-01-05T14:30:00.000Z';
export const LATER = '2026-01-05T14:30:01.250Z';
export const TENANT = 'acme';
export const WEBHOOK_ID = 'wh_01JF3Q7S0B7V2Y4Z6A8C0E2G4J';
export const DELIVERY_ID = 'dlv_01JF3Q7S3D9X1Z3B5D7F9H1K3M';
export const KEY_ID = 'e6422705cb4b87ad9f2c';

export const order = {
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
export const pendingCancel = { ...order, status: 'pending_cancel', updatedAt: LATER, version: 2 };
export const user = {
  username: 'alice',
  role: 'trader',
  status: 'active',
  createdAt: AT,
  createdBy: 'user:admin',
  updatedAt: AT,
};
export const apiKey = {
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
export const webhook = {
  id: WEBHOOK_ID,
  url: 'https://hooks.example.com/oms',
  events: ['order.*'],
  description: 'Fills to the trading desk',
  status: 'enabled',
  consecutiveFailures: 0,
  createdAt: AT,
  updatedAt: AT,
};
export const secret = 'whsec_RHbkAoVDGGKVtsMfK47zgRk/xnoJ6QHO58K6AIlXye4=';
export const delivery = {
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
export const tokens = {
  accessToken: 'eyJraWQiOiJsb2NhbC0xIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl',
  idToken: 'eyJraWQiOiJsb2NhbC0xIiwiYWxnIjoiUlMyNTYifQ.eyJjb2duaXRvOnVzZXJuYW1lIjoiYWxpY2UifQ.c2ln',
  refreshToken: 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.cmVmcmVzaA',
  expiresIn: 3600,
  tokenType: 'Bearer',
};
export const limits = {
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

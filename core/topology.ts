/**
 * The system's shape, declared once as plain data. `lib/` turns it into CloudFormation and
 * `local/` into running local services, so a route, queue or rule added here exists in both.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * AWS resources a handler touches; the CDK app grants exactly these to its function (least
 * privilege). Omitted: `['table:read', 'table:write']`. Locally nothing is enforced.
 */
export type HandlerAccess =
  | 'table:read'
  | 'table:write'
  | 'orders:send'
  | 'webhooks:send'
  | 'backtests:send'
  | 'events:put'
  | 'users:manage';

/** An HTTP route served by one handler file (a module exporting `handler`). */
export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway path syntax: `/api/v1/orders/{id}`. */
  path: string;
  /** Handler module, relative to the project root. */
  handler: string;
  /** `public` routes skip the authorizer (login, health, docs); everything else needs a caller. */
  auth: 'public' | 'caller';
  access?: HandlerAccess[];
  /** Files the handler reads at run time (relative to the project root), shipped beside its bundle. */
  files?: string[];
  /**
   * npm packages the handler loads from `node_modules` at run time instead of from its bundle
   * (a package that finds its own files by path, like esbuild-wasm): left out of the bundle and
   * copied whole, from the project's node_modules, into the bundle's.
   */
  packages?: string[];
}

export interface QueueSpec {
  name: string;
  fifo: boolean;
  visibilityTimeoutSeconds: number;
  /** Messages received this many times without being deleted move to the queue's DLQ. */
  maxReceiveCount: number;
}

/** A queue-triggered handler (an SQS event source mapping in AWS). */
export interface QueueConsumerSpec {
  queue: keyof typeof queues;
  handler: string;
  batchSize: number;
  access?: HandlerAccess[];
  /** Longer than a consumer's default 30 s; the queue's visibility timeout must cover it. */
  timeoutSeconds?: number;
  /** As RouteSpec.files. */
  files?: string[];
}

/** A handler run on a fixed rate (an EventBridge Scheduler schedule in AWS). */
export interface ScheduleSpec {
  name: string;
  handler: string;
  everySeconds: number;
  access?: HandlerAccess[];
}

export interface RuleSpec {
  name: string;
  description: string;
  /** An EventBridge event pattern, matched by AWS or by the local router alike. */
  pattern: Record<string, unknown>;
  target: { queue: keyof typeof queues };
}

/**
 * The live stream (docs/stream.md): a WebSocket API whose three routes and bus fan-out are
 * handlers like any other. Locally the HTTP gateway serves it at `path` on its own port.
 */
export interface StreamSpec {
  path: string;
  /** `$connect`, `$disconnect` and `$default` (every client frame) handlers. */
  connect: string;
  disconnect: string;
  message: string;
  /** The bus rule whose events are logged per tenant and posted to subscribed sockets. */
  fanOut: { rule: string; description: string; pattern: Record<string, unknown>; handler: string };
  /** Where handlers find the `@connections` endpoint (API Gateway's, or the local gateway's). */
  connectionsUrlEnv: string;
}

export const table = {
  name: 'oms',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [
    // Orders by status, and other "by X" listings newest first.
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    // Orders by symbol.
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    // Sparse, platform-wide work lists: the event outbox and orders waiting to be queued.
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
} as const;

export const queues = {
  orders: { name: 'oms-orders.fifo', fifo: true, visibilityTimeoutSeconds: 60, maxReceiveCount: 10 },
  webhooks: { name: 'oms-webhooks', fifo: false, visibilityTimeoutSeconds: 60, maxReceiveCount: 8 },
  // Order, position and strategy events for the strategy host (docs/strategies.md).
  strategies: { name: 'oms-strategies', fifo: false, visibilityTimeoutSeconds: 60, maxReceiveCount: 5 },
  // Queued backtests for their worker; a message stays hidden while one runs (up to 5 minutes).
  backtests: { name: 'oms-backtests', fifo: false, visibilityTimeoutSeconds: 900, maxReceiveCount: 3 },
} as const satisfies Record<string, QueueSpec>;

/** The orders queue of one broker connection (its DLQ follows dlqName). */
export function connectionQueueName(connectionId: string): string {
  return `oms-orders-${connectionId}.fifo`;
}

/** The DLQ of a queue is named after it. */
export function dlqName(queue: QueueSpec): string {
  return queue.fifo ? queue.name.replace(/\.fifo$/, '-dlq.fifo') : `${queue.name}-dlq`;
}

export const eventBus = {
  name: 'oms-events',
  /** `source` of every event the OMS publishes. */
  source: 'oms',
  archiveRetentionDays: 30,
} as const;

/** The settings of every connection's orders queue (the provisioner creates one per connection). */
export function connectionQueue(connectionId: string): QueueSpec {
  return { ...queues.orders, name: connectionQueueName(connectionId) };
}

/**
 * The control plane's trigger: connection.* events reach the provisioner, which creates or removes
 * the connection's queue, bridge (and, locally, paper gateway). AWS: a Step Functions state
 * machine; locally: the stack's in-process provisioner (local/connections.ts).
 */
export const connectionProvisioning = {
  rule: 'oms-connections-to-provisioner',
  description: 'Connection lifecycle events start and stop the connection’s queue and bridge',
  pattern: {
    source: [eventBus.source],
    'detail-type': ['connection.created', 'connection.deleted'],
  },
} as const;

/** Every connection queue's name starts so; the provisioner's and the bridges' grants are scoped to it. */
export const connectionQueuePrefix = 'oms-orders-c';

export const rules: RuleSpec[] = [
  {
    name: 'oms-events-to-webhooks',
    description: 'Order, position, risk and webhook events fan out to the tenant webhook subscriptions',
    pattern: {
      source: [eventBus.source],
      // `webhook.` carries webhook.disabled to the tenant's other subscriptions.
      'detail-type': [
        { prefix: 'order.' },
        { prefix: 'position.' },
        { prefix: 'risk.' },
        { prefix: 'webhook.' },
      ],
    },
    target: { queue: 'webhooks' },
  },
  {
    name: 'oms-events-to-strategies',
    description: 'Order, position and strategy lifecycle events reach the strategy host',
    pattern: {
      source: [eventBus.source],
      'detail-type': [{ prefix: 'order.' }, { prefix: 'position.' }, { prefix: 'strategy.' }],
    },
    target: { queue: 'strategies' },
  },
];

export const routes: RouteSpec[] = [
  { method: 'GET', path: '/health', handler: 'functions/health/live.ts', auth: 'public', access: [] },
  // GetQueueAttributes comes with the send grant: readiness asks the orders queue for its ARN.
  {
    method: 'GET',
    path: '/health/ready',
    handler: 'functions/health/ready.ts',
    auth: 'public',
    access: ['table:read', 'orders:send'],
  },
  { method: 'POST', path: '/api/v1/auth/login', handler: 'functions/auth/login.ts', auth: 'public' },
  { method: 'POST', path: '/api/v1/auth/refresh', handler: 'functions/auth/refresh.ts', auth: 'public' },
  { method: 'POST', path: '/api/v1/auth/logout', handler: 'functions/auth/logout.ts', auth: 'public' },
  {
    method: 'GET',
    path: '/health/ready/details',
    handler: 'functions/health/details.ts',
    auth: 'caller',
    access: ['table:read', 'orders:send'],
  },
  { method: 'GET', path: '/api/v1/tenants', handler: 'functions/tenants/list.ts', auth: 'caller' },
  {
    method: 'PATCH',
    path: '/api/v1/tenants/{id}',
    handler: 'functions/tenants/update.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'orders:send'],
  },
  {
    method: 'POST',
    path: '/api/v1/tenants',
    handler: 'functions/tenants/create.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'users:manage'],
  },
  { method: 'GET', path: '/api/v1/tenants/me', handler: 'functions/tenants/me.ts', auth: 'caller' },
  {
    method: 'POST',
    path: '/api/v1/users',
    handler: 'functions/users/create.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'users:manage'],
  },
  { method: 'GET', path: '/api/v1/users', handler: 'functions/users/list.ts', auth: 'caller' },
  { method: 'GET', path: '/api/v1/users/{username}', handler: 'functions/users/get.ts', auth: 'caller' },
  {
    method: 'PATCH',
    path: '/api/v1/users/{username}',
    handler: 'functions/users/update.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'users:manage'],
  },
  { method: 'POST', path: '/api/v1/api-keys', handler: 'functions/api-keys/create.ts', auth: 'caller' },
  { method: 'GET', path: '/api/v1/api-keys', handler: 'functions/api-keys/list.ts', auth: 'caller' },
  { method: 'GET', path: '/api/v1/api-keys/{id}', handler: 'functions/api-keys/get.ts', auth: 'caller' },
  {
    method: 'DELETE',
    path: '/api/v1/api-keys/{id}',
    handler: 'functions/api-keys/revoke.ts',
    auth: 'caller',
  },
  { method: 'GET', path: '/api/v1/audit', handler: 'functions/audit/list.ts', auth: 'caller' },
  { method: 'POST', path: '/api/v1/webhooks', handler: 'functions/webhooks/create.ts', auth: 'caller' },
  {
    method: 'GET',
    path: '/api/v1/webhooks',
    handler: 'functions/webhooks/list.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks/{id}',
    handler: 'functions/webhooks/get.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'DELETE',
    path: '/api/v1/webhooks/{id}',
    handler: 'functions/webhooks/delete.ts',
    auth: 'caller',
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/{id}/rotate-secret',
    handler: 'functions/webhooks/rotate-secret.ts',
    auth: 'caller',
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/{id}/test',
    handler: 'functions/webhooks/test.ts',
    auth: 'caller',
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks/{id}/deliveries',
    handler: 'functions/webhooks/deliveries.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
    handler: 'functions/webhooks/redeliver.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'webhooks:send'],
  },
  {
    method: 'POST',
    path: '/api/v1/orders',
    handler: 'functions/orders/place.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'orders:send'],
  },
  {
    method: 'GET',
    path: '/api/v1/orders',
    handler: 'functions/orders/list.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'POST',
    path: '/api/v1/orders/cancel-all',
    handler: 'functions/orders/cancel-all.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'orders:send'],
  },
  {
    method: 'GET',
    path: '/api/v1/orders/{id}',
    handler: 'functions/orders/get.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'PATCH',
    path: '/api/v1/orders/{id}',
    handler: 'functions/orders/modify.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'orders:send'],
  },
  {
    method: 'GET',
    path: '/api/v1/orders/{id}/events',
    handler: 'functions/orders/events.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'POST',
    path: '/api/v1/orders/{id}/cancel',
    handler: 'functions/orders/cancel.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'orders:send'],
  },
  {
    method: 'GET',
    path: '/api/v1/positions',
    handler: 'functions/positions/list.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'GET',
    path: '/api/v1/pnl/today',
    handler: 'functions/pnl/today.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'GET',
    path: '/api/v1/pnl/history',
    handler: 'functions/pnl/history.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'GET',
    path: '/api/v1/fills',
    handler: 'functions/reports/fills.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'GET',
    path: '/api/v1/reports/trades',
    handler: 'functions/reports/trades.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'GET',
    path: '/api/v1/risk/limits',
    handler: 'functions/risk/get-limits.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'PUT',
    path: '/api/v1/risk/limits',
    handler: 'functions/risk/put-limits.ts',
    auth: 'caller',
    access: ['table:read', 'table:write'],
  },
  {
    method: 'GET',
    path: '/api/v1/risk/kill-switch',
    handler: 'functions/risk/get-kill-switch.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'POST',
    path: '/api/v1/risk/kill-switch',
    handler: 'functions/risk/kill-switch.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'orders:send'],
  },
  {
    method: 'POST',
    path: '/api/v1/marketdata/subscriptions',
    handler: 'functions/marketdata/subscribe.ts',
    auth: 'caller',
  },
  {
    method: 'GET',
    path: '/api/v1/marketdata/subscriptions',
    handler: 'functions/marketdata/list-subscriptions.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'DELETE',
    path: '/api/v1/marketdata/subscriptions/{symbol}',
    handler: 'functions/marketdata/unsubscribe.ts',
    auth: 'caller',
  },
  // Writes a snapshot request for the bridge when nothing is cached, so it needs write access.
  {
    method: 'GET',
    path: '/api/v1/marketdata/{symbol}',
    handler: 'functions/marketdata/get-quote.ts',
    auth: 'caller',
  },
  // Instrument look-ups ask the broker through the connection's queue and cache what it answers.
  {
    method: 'GET',
    path: '/api/v1/instruments',
    handler: 'functions/instruments/search.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'orders:send'],
  },
  {
    method: 'GET',
    path: '/api/v1/instruments/{conId}',
    handler: 'functions/instruments/get.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'orders:send'],
  },
  // A what-if through the broker: stores nothing of the tenant's, only the broker's short-lived reply.
  {
    method: 'POST',
    path: '/api/v1/orders/preview',
    handler: 'functions/orders/preview.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'orders:send'],
  },
  // Uploads compile with esbuild-wasm, which runs its WebAssembly from its own package folder.
  {
    method: 'POST',
    path: '/api/v1/strategies',
    handler: 'functions/strategies/create.ts',
    auth: 'caller',
    packages: ['esbuild-wasm'],
  },
  {
    method: 'GET',
    path: '/api/v1/strategies',
    handler: 'functions/strategies/list.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'GET',
    path: '/api/v1/strategies/{id}',
    handler: 'functions/strategies/get.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'PUT',
    path: '/api/v1/strategies/{id}',
    handler: 'functions/strategies/update.ts',
    auth: 'caller',
    packages: ['esbuild-wasm'],
  },
  {
    method: 'POST',
    path: '/api/v1/strategies/{id}/start',
    handler: 'functions/strategies/start.ts',
    auth: 'caller',
  },
  {
    method: 'POST',
    path: '/api/v1/strategies/{id}/stop',
    handler: 'functions/strategies/stop.ts',
    auth: 'caller',
  },
  {
    method: 'GET',
    path: '/api/v1/strategies/{id}/logs',
    handler: 'functions/strategies/logs.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'GET',
    path: '/api/v1/strategies/{id}/versions',
    handler: 'functions/strategies/versions.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  // Stores the backtest as queued and sends it to its worker (functions/strategies/run-backtest.ts).
  {
    method: 'POST',
    path: '/api/v1/strategies/{id}/backtests',
    handler: 'functions/strategies/backtest.ts',
    auth: 'caller',
    access: ['table:read', 'table:write', 'backtests:send'],
  },
  {
    method: 'GET',
    path: '/api/v1/backtests/{id}',
    handler: 'functions/strategies/get-backtest.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'GET',
    path: '/api/v1/backtests/{id}/equity.svg',
    handler: 'functions/strategies/equity-svg.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  { method: 'POST', path: '/api/v1/connections', handler: 'functions/connections/create.ts', auth: 'caller' },
  {
    method: 'GET',
    path: '/api/v1/connections',
    handler: 'functions/connections/list.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'GET',
    path: '/api/v1/connections/{id}',
    handler: 'functions/connections/get.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'DELETE',
    path: '/api/v1/connections/{id}',
    handler: 'functions/connections/delete.ts',
    auth: 'caller',
  },
  {
    method: 'GET',
    path: '/api/v1/accounts',
    handler: 'functions/accounts/list.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  { method: 'PATCH', path: '/api/v1/accounts/{id}', handler: 'functions/accounts/update.ts', auth: 'caller' },
  {
    method: 'GET',
    path: '/api/v1/accounts/{id}/summary',
    handler: 'functions/accounts/summary.ts',
    auth: 'caller',
    access: ['table:read'],
  },
  {
    method: 'POST',
    path: '/api/v1/tenants/{id}/accounts',
    handler: 'functions/accounts/assign.ts',
    auth: 'caller',
  },
  { method: 'GET', path: '/api/openapi.json', handler: 'functions/docs/spec.ts', auth: 'public', access: [] },
  { method: 'GET', path: '/api/docs', handler: 'functions/docs/reference.ts', auth: 'public', access: [] },
  {
    method: 'GET',
    path: '/api/docs/{asset}',
    handler: 'functions/docs/asset.ts',
    auth: 'public',
    access: [],
    files: [
      'node_modules/swagger-ui-dist/swagger-ui.css',
      'node_modules/swagger-ui-dist/swagger-ui-bundle.js',
    ],
  },
];

export const queueConsumers: QueueConsumerSpec[] = [
  // Bus events fan out to delivery messages on the same queue; each delivery retries on its own.
  {
    queue: 'webhooks',
    handler: 'functions/webhooks/deliver.ts',
    batchSize: 10,
    access: ['table:read', 'table:write', 'webhooks:send'],
  },
  // Runs queued backtests in the QuickJS sandbox, one per invocation: its WebAssembly ships beside the bundle.
  {
    queue: 'backtests',
    handler: 'functions/strategies/run-backtest.ts',
    batchSize: 1,
    timeoutSeconds: 300,
    access: ['table:read', 'table:write'],
    files: ['node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm'],
  },
];

export const schedules: ScheduleSpec[] = [
  // Re-queues accepted orders whose queue message was lost (EventBridge Scheduler's floor is a minute).
  {
    name: 'orders-sweeper',
    handler: 'functions/orders/sweep.ts',
    everySeconds: 60,
    access: ['table:read', 'table:write', 'orders:send'],
  },
];

/** Environment variable names through which handlers learn where their resources are. */
export const env = {
  tableName: 'OMS_TABLE',
  ordersQueueUrl: 'OMS_ORDERS_QUEUE_URL',
  webhooksQueueUrl: 'OMS_WEBHOOKS_QUEUE_URL',
  strategiesQueueUrl: 'OMS_STRATEGIES_QUEUE_URL',
  backtestsQueueUrl: 'OMS_BACKTESTS_QUEUE_URL',
  eventBusName: 'OMS_EVENT_BUS',
  userPoolId: 'OMS_USER_POOL_ID',
  userPoolClientId: 'OMS_USER_POOL_CLIENT_ID',
  /** `cognito` (default) or `local`: which identity provider logins and refreshes go to. */
  identityProvider: 'OMS_IDENTITY_PROVIDER',
  /** The local identity provider's RSA signing key (a private JWK with its kid); never set in AWS. */
  localIdpKey: 'OMS_LOCAL_IDP_KEY',
  rateLimitTenantPerMinute: 'OMS_RATE_LIMIT_TENANT_PER_MINUTE',
  rateLimitApiKeyPerMinute: 'OMS_RATE_LIMIT_API_KEY_PER_MINUTE',
  rateLimitAuthFailuresPerMinute: 'OMS_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE',
  rateLimitLoginPerUser: 'OMS_RATE_LIMIT_LOGIN_FAILURES_PER_USER',
  rateLimitLoginPerIp: 'OMS_RATE_LIMIT_LOGIN_PER_IP',
  rateLimitUserPerMinute: 'OMS_RATE_LIMIT_USER_PER_MINUTE',
  rateLimitEmergencyPerMinute: 'OMS_RATE_LIMIT_EMERGENCY_PER_MINUTE',
  /** The key page cursors are authenticated with (HMAC); unset in AWS, where the table keeps one. */
  cursorKey: 'OMS_CURSOR_KEY',
  /**
   * The connection orders of tenants without an account of their own go to (the single login of a
   * deployment from before connections); `cdemo` when unset, none when empty.
   */
  houseConnection: 'OMS_HOUSE_CONNECTION',
  /** The connection whose orders still go to the single orders queue; `cdemo` when unset, none when empty. */
  ordersQueueConnection: 'OMS_ORDERS_QUEUE_CONNECTION',
} as const;

/** The Lambda authorizer run before every `caller` route (no identity source, no caching). */
export const authorizer = 'functions/auth/authorizer.ts';

/** Cognito triggers: the pre-token-generation (V2) handler puts the tenant into access tokens. */
export const identityTriggers = {
  preTokenGeneration: 'functions/auth/pre-token.ts',
} as const;

export const stream = {
  path: '/api/v1/stream',
  connect: 'functions/stream/connect.ts',
  disconnect: 'functions/stream/disconnect.ts',
  message: 'functions/stream/message.ts',
  fanOut: {
    rule: 'oms-events-to-stream',
    description:
      'Order, position and strategy events are logged per tenant and posted to its subscribed sockets',
    pattern: {
      source: [eventBus.source],
      // `quote.updated` (platform data, from the bridge) goes to the sockets following the symbol.
      'detail-type': [
        { prefix: 'order.' },
        { prefix: 'position.' },
        { prefix: 'strategy.' },
        { prefix: 'quote.' },
      ],
    },
    handler: 'functions/stream/fanout.ts',
  },
  connectionsUrlEnv: 'OMS_STREAM_CONNECTIONS_URL',
} as const satisfies StreamSpec;

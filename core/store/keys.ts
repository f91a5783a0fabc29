/**
 * Every key of the single table is built here, and nowhere else. Tenant data always starts its
 * partition key with `T#<tenant>` so a tenant-scoped store can never name another tenant's item.
 */

/** Key attribute values of one item. */
export interface ItemKey {
  pk: string;
  sk: string;
}

const SEP = '#';

function assertSafe(part: string, what: string): string {
  if (part.length === 0 || part.includes(SEP))
    throw new Error(`Invalid ${what} for a key: ${JSON.stringify(part)}`);
  return part;
}

/** The partition key prefix of everything one tenant owns. */
export function tenantPk(tenantId: string): string {
  return `T${SEP}${assertSafe(tenantId, 'tenant id')}`;
}

/** Items that belong to the platform rather than a tenant (bridge heartbeat, tenant registry). */
export const systemKeys = {
  /** A bridge's heartbeat: the single legacy bridge's, or one broker connection's. */
  bridgeStatus: (connectionId?: string): ItemKey => ({
    pk: 'SYSTEM',
    sk: connectionId === undefined ? 'BRIDGE' : `BRIDGE${SEP}${assertSafe(connectionId, 'connection id')}`,
  }),
  /** Every connection bridge's heartbeat (sort keys under `BRIDGE#`). */
  bridgeStatusPrefix: (): { pk: string; skPrefix: string } => ({ pk: 'SYSTEM', skPrefix: `BRIDGE${SEP}` }),
  /** The key page cursors are authenticated with, when the deployment configures none. */
  cursorKey: (): ItemKey => ({ pk: 'SYSTEM', sk: 'CURSOR_KEY' }),
  /** Tenants listed for the platform operator (a GSI1 partition of its own). */
  tenantRegistry: (): string => 'SYSTEM#TENANTS',
  /** A tenant's place in the registry: by creation time, then id. */
  tenantRegistrySk: (createdAt: string, tenantId: string): string =>
    `${createdAt}${SEP}${assertSafe(tenantId, 'tenant id')}`,
  tenantIdFromRegistrySk: (sk: string): string => sk.slice(sk.lastIndexOf(SEP) + 1),
};

/** Tenancy and access items (tenants, users, API keys, security audit, rate-limit windows). */
export const tenancyKeys = {
  tenant: (tenantId: string): ItemKey => ({ pk: tenantPk(tenantId), sk: 'TENANT' }),
  user: (tenantId: string, username: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `USER${SEP}${assertSafe(username, 'username')}`,
  }),
  userPrefix: (tenantId: string) => ({ pk: tenantPk(tenantId), skPrefix: `USER${SEP}` }),
  apiKey: (tenantId: string, keyId: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `APIKEY${SEP}${assertSafe(keyId, 'API key id')}`,
  }),
  apiKeyPrefix: (tenantId: string) => ({ pk: tenantPk(tenantId), skPrefix: `APIKEY${SEP}` }),
  /** The security audit log has its own partition so a busy tenant's orders never crowd it. */
  auditPk: (tenantId: string): string => `${tenantPk(tenantId)}${SEP}AUDIT`,
  auditPrefix: `AUDIT${SEP}`,
  audit: (tenantId: string, eventId: string): ItemKey => ({
    pk: `${tenantPk(tenantId)}${SEP}AUDIT`,
    sk: `AUDIT${SEP}${assertSafe(eventId, 'audit event id')}`,
  }),
  /** A tenant-scoped rate-limit counter (per tenant, per API key) for one time window. */
  tenantRate: (tenantId: string, bucket: string, windowStart: number): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `RATE${SEP}${assertSafe(bucket, 'rate bucket')}${SEP}${windowStart}`,
  }),
};

/**
 * Platform-level access items: credentials are looked up before any tenant is known (a login
 * names only a username, a refresh token only itself), as a Cognito user pool is one namespace.
 */
export const authKeys = {
  /** The local identity provider's user record: usernames are unique across the platform. */
  identityUser: (username: string): ItemKey => ({
    pk: `IDP${SEP}USER${SEP}${assertSafe(username, 'username')}`,
    sk: 'USER',
  }),
  /** A refresh token, found by the hash of its value. */
  refreshToken: (tokenHash: string): ItemKey => ({
    pk: `IDP${SEP}REFRESH${SEP}${assertSafe(tokenHash, 'token hash')}`,
    sk: 'REFRESH',
  }),
  /** The refresh tokens descending from one login; revoked as a whole on logout or replay. */
  refreshFamily: (familyId: string): ItemKey => ({
    pk: `IDP${SEP}FAMILY${SEP}${assertSafe(familyId, 'token family')}`,
    sk: 'FAMILY',
  }),
  /** What one source has done signing in as one username: failures in a row, past success. */
  loginAttempts: (username: string, sourceIp: string): ItemKey => ({
    pk: `IDP${SEP}LOGIN${SEP}${assertSafe(username, 'username')}`,
    sk: `SOURCE${SEP}${assertSafe(sourceIp, 'source address')}`,
  }),
  /** A rate-limit counter for something outside any tenant (a source address, a login name). */
  platformRate: (bucket: string, windowStart: number): ItemKey => ({
    pk: `RATE${SEP}${assertSafe(bucket, 'rate bucket')}`,
    sk: String(windowStart),
  }),
};

/** Orders, their audit trail, idempotency records and the risk items that guard them. */
export const orderKeys = {
  order: (tenantId: string, orderId: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `ORDER${SEP}${assertSafe(orderId, 'order id')}`,
  }),
  /** The sort-key range of a tenant's orders between two ULID bounds (see ids.ulidBound). */
  orderRange: (tenantId: string, low: string, high: string) => ({
    pk: tenantPk(tenantId),
    low: `ORDER${SEP}${low}`,
    high: `ORDER${SEP}${high}`,
  }),
  orderIdFromSk: (sk: string): string => sk.slice(`ORDER${SEP}`.length),
  byStatusPk: (tenantId: string, status: string): string =>
    `${tenantPk(tenantId)}${SEP}ORDERS_BY_STATUS${SEP}${status}`,
  bySymbolPk: (tenantId: string, symbol: string): string =>
    `${tenantPk(tenantId)}${SEP}ORDERS_BY_SYMBOL${SEP}${symbol}`,
  eventsPk: (tenantId: string, orderId: string): string =>
    `${tenantPk(tenantId)}${SEP}ORDER${SEP}${assertSafe(orderId, 'order id')}`,
  event: (tenantId: string, orderId: string, seq: number): ItemKey => ({
    pk: orderKeys.eventsPk(tenantId, orderId),
    sk: `EVENT${SEP}${String(seq).padStart(10, '0')}`,
  }),
  /** `keyHash` is a hex digest of the client's Idempotency-Key, so any key text is safe. */
  idempotency: (tenantId: string, keyHash: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `IDEMPOTENCY${SEP}${assertSafe(keyHash, 'idempotency key hash')}`,
  }),
  clientOrderId: (tenantId: string, clientOrderId: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `CLIENT_ORDER${SEP}${assertSafe(clientOrderId, 'clientOrderId')}`,
  }),
};

/** Risk configuration and the counters the order transaction checks and moves. */
export const riskKeys = {
  limits: (tenantId: string): ItemKey => ({ pk: tenantPk(tenantId), sk: 'RISK#LIMITS' }),
  killSwitch: (tenantId: string): ItemKey => ({ pk: tenantPk(tenantId), sk: 'RISK#KILL_SWITCH' }),
  counters: (tenantId: string): ItemKey => ({ pk: tenantPk(tenantId), sk: 'RISK#COUNTERS' }),
  symbol: (tenantId: string, symbol: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `RISK${SEP}SYMBOL${SEP}${assertSafe(symbol, 'symbol')}`,
  }),
  rateWindow: (tenantId: string, epochSecond: number): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `RISK${SEP}RATE${SEP}${epochSecond}`,
  }),
  /** The tenant's P&L for one trading day (`YYYY-MM-DD`), written by the bridge on every fill. */
  dailyPnl: (tenantId: string, day: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `PNL${SEP}${assertSafe(day, 'day')}`,
  }),
  /** Risk events (`risk.kill_switch`), kept apart from orders and published through the outbox. */
  event: (tenantId: string, eventId: string): ItemKey => ({
    pk: `${tenantPk(tenantId)}${SEP}RISK_EVENTS`,
    sk: `EVENT${SEP}${assertSafe(eventId, 'risk event id')}`,
  }),
};

/** Sparse work lists on gsi3, spread over a few shards so no partition runs hot. */
export const workKeys = {
  shards: 4,
  shardOf: (id: string): number => id.charCodeAt(id.length - 1) % workKeys.shards,
  /** Audit events not yet published to the bus. */
  outboxPk: (shard: number): string => `OUTBOX${SEP}${shard}`,
  /** The gsi3 attributes that put an event on the outbox, in the shard of `shardBy`. */
  outbox: (shardBy: string, at: string, entityId: string, seq: number | string) => ({
    gsi3pk: workKeys.outboxPk(workKeys.shardOf(shardBy)),
    gsi3sk: outboxSk(at, entityId, seq),
  }),
  /** Orders accepted but not yet taken by the bridge. */
  pendingPk: (shard: number): string => `PENDING_NEW${SEP}${shard}`,
};

/**
 * A broker connection's market-data partition suffix. Without a connection (the house connection
 * of an upgraded deployment) the keys are those from before connections, so its data stays put.
 */
const mdScope = (connectionId: string | undefined): string =>
  connectionId === undefined ? '' : `${SEP}${assertSafe(connectionId, 'connection id')}`;

/**
 * Market data per broker connection: the quote cache, and the list that connection's bridge follows
 * (its lines are its login's own). Subscriptions stay in the tenant's partition.
 */
export const marketKeys = {
  quote: (symbol: string, connectionId?: string): ItemKey => ({
    pk: `MD${SEP}QUOTE${mdScope(connectionId)}${SEP}${assertSafe(symbol, 'symbol')}`,
    sk: 'QUOTE',
  }),
  /** A tenant's market-data subscription to one symbol. */
  subscription: (tenantId: string, symbol: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `MDSUB${SEP}${assertSafe(symbol, 'symbol')}`,
  }),
  subscriptionPrefix: (tenantId: string) => ({ pk: tenantPk(tenantId), skPrefix: `MDSUB${SEP}` }),
  /**
   * The platform-wide list the bridge follows, one partition read in one query: wanted symbols
   * (with how many tenants want each), the line counter, and open snapshot requests.
   */
  wantedPk: (connectionId?: string): string => `MD${SEP}WANTED${mdScope(connectionId)}`,
  wanted: (symbol: string, connectionId?: string): ItemKey => ({
    pk: marketKeys.wantedPk(connectionId),
    sk: `SYM${SEP}${assertSafe(symbol, 'symbol')}`,
  }),
  lines: (connectionId?: string): ItemKey => ({ pk: marketKeys.wantedPk(connectionId), sk: 'LINES' }),
  snapshotRequest: (symbol: string, connectionId?: string): ItemKey => ({
    pk: marketKeys.wantedPk(connectionId),
    sk: `SNAP${SEP}${assertSafe(symbol, 'symbol')}`,
  }),
};

/** Webhook subscriptions (in the tenant partition) and, per subscription, its deliveries. */
export const webhookKeys = {
  subscription: (tenantId: string, id: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `WEBHOOK${SEP}${assertSafe(id, 'webhook id')}`,
  }),
  subscriptionPrefix: (tenantId: string) => ({ pk: tenantPk(tenantId), skPrefix: `WEBHOOK${SEP}` }),
  deliveriesPk: (tenantId: string, subscriptionId: string): string =>
    `${tenantPk(tenantId)}${SEP}WEBHOOK${SEP}${assertSafe(subscriptionId, 'webhook id')}`,
  delivery: (tenantId: string, subscriptionId: string, deliveryId: string): ItemKey => ({
    pk: webhookKeys.deliveriesPk(tenantId, subscriptionId),
    sk: `DELIVERY${SEP}${assertSafe(deliveryId, 'delivery id')}`,
  }),
  deliveryPrefix: (tenantId: string, subscriptionId: string) => ({
    pk: webhookKeys.deliveriesPk(tenantId, subscriptionId),
    skPrefix: `DELIVERY${SEP}`,
  }),
  /** One per event and subscription, so a redelivered bus event never makes a second delivery. */
  eventDelivery: (tenantId: string, subscriptionId: string, eventId: string): ItemKey => ({
    pk: webhookKeys.deliveriesPk(tenantId, subscriptionId),
    sk: `EVENT${SEP}${assertSafe(eventId, 'event id')}`,
  }),
  /** A `webhook.disabled` event, kept under the subscription like an order's audit events. */
  event: (tenantId: string, subscriptionId: string, eventKey: string): ItemKey => ({
    pk: webhookKeys.deliveriesPk(tenantId, subscriptionId),
    sk: `NOTICE${SEP}${assertSafe(eventKey, 'event key')}`,
  }),
};

/** The gsi3 sort key of an outbox entry: oldest first, then by entity and sequence. */
export function outboxSk(at: string, entityId: string, seq: number | string): string {
  return `${at}${SEP}${assertSafe(entityId, 'outbox entity id')}${SEP}${String(seq).padStart(10, '0')}`;
}

/**
 * What the bridge writes: fills (the exactly-once guard, keyed by IB's execId), positions and
 * their events, the day's per-symbol P&L, all in the tenant's partition.
 */
export const positionKeys = {
  fill: (tenantId: string, execId: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `FILL${SEP}${assertSafe(execId, 'execution id')}`,
  }),
  fillPrefix: (tenantId: string) => ({ pk: tenantPk(tenantId), skPrefix: `FILL${SEP}` }),
  position: (tenantId: string, account: string, symbol: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `POSITION${SEP}${assertSafe(account, 'account')}${SEP}${assertSafe(symbol, 'symbol')}`,
  }),
  positionPrefix: (tenantId: string) => ({ pk: tenantPk(tenantId), skPrefix: `POSITION${SEP}` }),
  /** position.changed events of one position, kept like an order's audit trail. */
  positionEvent: (tenantId: string, account: string, symbol: string, seq: number): ItemKey => ({
    pk: `${tenantPk(tenantId)}${SEP}POSITION${SEP}${assertSafe(account, 'account')}${SEP}${assertSafe(symbol, 'symbol')}`,
    sk: `EVENT${SEP}${String(seq).padStart(10, '0')}`,
  }),
  /** One symbol's share of the tenant's day P&L (the tenant total is riskKeys.dailyPnl). */
  dailySymbolPnl: (tenantId: string, day: string, symbol: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `PNL${SEP}${assertSafe(day, 'day')}${SEP}SYMBOL${SEP}${assertSafe(symbol, 'symbol')}`,
  }),
  /** One account's share of one symbol's day P&L (what `GET /pnl/today?account=` sums). */
  dailyAccountPnl: (tenantId: string, day: string, account: string, symbol: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `PNL${SEP}${assertSafe(day, 'day')}${SEP}ACCOUNT${SEP}${assertSafe(account, 'account')}${SEP}${assertSafe(symbol, 'symbol')}`,
  }),
  dailyPnlPrefix: (tenantId: string, day: string) => ({
    pk: tenantPk(tenantId),
    skPrefix: `PNL${SEP}${assertSafe(day, 'day')}`,
  }),
};

/**
 * A bridge's items belong to its broker connection, not to a tenant. They are kept per scope: the
 * connection id of a connection's bridge (IB order ids are per client id *and* gateway, so two
 * connections with the same client id must not share them), or the IB client id of the single
 * bridge that came before connections (its items keep their keys, so upgrading loses nothing).
 */
export type BridgeScope = number | string;

function scopePart(scope: BridgeScope): string {
  return typeof scope === 'number' ? String(scope) : assertSafe(scope, 'connection id');
}

/** The bridge's own items, per scope (see BridgeScope). Ids are IB's: order ids per client id, permIds account-wide. */
export const bridgeKeys = {
  /** Next IB order id and the executions watermark of one scope. */
  state: (scope: BridgeScope): ItemKey => ({ pk: 'BRIDGE', sk: `STATE${SEP}${scopePart(scope)}` }),
  /** IB order id (per scope) → our order. */
  brokerOrder: (scope: BridgeScope, brokerOrderId: number): ItemKey => ({
    pk: `BRIDGE${SEP}IBORDER${SEP}${scopePart(scope)}${SEP}${brokerOrderId}`,
    sk: 'MAP',
  }),
  /** Our order id (IB's orderRef) → tenant and IB ids. */
  orderRef: (orderId: string): ItemKey => ({
    pk: `BRIDGE${SEP}REF${SEP}${assertSafe(orderId, 'order id')}`,
    sk: 'MAP',
  }),
  /** Orders routed to the broker and not ended, per scope: what reconciliation walks. */
  workingPk: (scope: BridgeScope): string => `BRIDGE${SEP}WORKING${SEP}${scopePart(scope)}`,
  working: (scope: BridgeScope, orderId: string): ItemKey => ({
    pk: `BRIDGE${SEP}WORKING${SEP}${scopePart(scope)}`,
    sk: assertSafe(orderId, 'order id'),
  }),
  /**
   * Orders at the broker the OMS did not place (entered by hand in TWS), flagged by permId; per
   * connection, since permIds are only unique within one IB login.
   */
  foreignPk: (connectionId?: string): string =>
    connectionId === undefined
      ? `BRIDGE${SEP}FOREIGN`
      : `BRIDGE${SEP}FOREIGN${SEP}${assertSafe(connectionId, 'connection id')}`,
  foreignOrder: (permId: number, connectionId?: string): ItemKey => ({
    pk: bridgeKeys.foreignPk(connectionId),
    sk: `PERM${SEP}${permId}`,
  }),
  /** The house position per account and symbol: the sum over tenants, compared with the broker's. */
  housePositionPk: (): string => `BRIDGE${SEP}HOUSE`,
  housePosition: (account: string, symbol: string): ItemKey => ({
    pk: `BRIDGE${SEP}HOUSE`,
    sk: `${assertSafe(account, 'account')}${SEP}${assertSafe(symbol, 'symbol')}`,
  }),
  /** Which bridge holds a connection: holder, fencing token, until when (at most one holds it). */
  lease: (connectionId: string): ItemKey => ({
    pk: `BRIDGE${SEP}LEASE${SEP}${assertSafe(connectionId, 'connection id')}`,
    sk: 'LEASE',
  }),
};

/**
 * The live stream (docs/stream.md): the tenant's event log with its sequence head, the dedupe
 * marker of each bus event, and the tenant's WebSocket connections, in a partition of their own
 * so a busy stream never crowds the tenant's orders. The connection pointer is platform-level:
 * a message names only its connection, as a login names only a username.
 */
export const streamKeys = {
  pk: (tenantId: string): string => `${tenantPk(tenantId)}${SEP}STREAM`,
  head: (tenantId: string): ItemKey => ({ pk: streamKeys.pk(tenantId), sk: 'HEAD' }),
  entry: (tenantId: string, seq: number): ItemKey => ({
    pk: streamKeys.pk(tenantId),
    sk: `E${SEP}${String(seq).padStart(12, '0')}`,
  }),
  entryPrefix: `E${SEP}`,
  /** Sorts after every entry: the upper bound of a read to the end of the log. */
  entryEnd: `E${SEP}~`,
  /** Event ids come from other modules; encoding keeps any `#` in them out of the key structure. */
  eventMarker: (tenantId: string, eventId: string): ItemKey => ({
    pk: streamKeys.pk(tenantId),
    sk: `ID${SEP}${encodeURIComponent(eventId)}`,
  }),
  connection: (tenantId: string, connectionId: string): ItemKey => ({
    pk: streamKeys.pk(tenantId),
    sk: `C${SEP}${assertSafe(connectionId, 'connection id')}`,
  }),
  connectionPrefix: `C${SEP}`,
  connectionPointer: (connectionId: string): ItemKey => ({
    pk: `WSCONN${SEP}${assertSafe(connectionId, 'connection id')}`,
    sk: 'CONN',
  }),
  /** The sockets following one symbol's quotes, of every tenant (quotes are platform data). */
  quotePk: (symbol: string): string => `WSQUOTES${SEP}${assertSafe(symbol, 'symbol')}`,
  quoteSocket: (symbol: string, tenantId: string, connectionId: string): ItemKey => ({
    pk: streamKeys.quotePk(symbol),
    sk: `${assertSafe(tenantId, 'tenant id')}${SEP}${assertSafe(connectionId, 'connection id')}`,
  }),
};

/** Strategies, their versions, runtime state, logs and backtests (see docs/strategies.md). */
export const strategyKeys = {
  strategy: (tenantId: string, id: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `STRATEGY${SEP}${assertSafe(id, 'strategy id')}`,
  }),
  strategyPrefix: (tenantId: string) => ({ pk: tenantPk(tenantId), skPrefix: `STRATEGY${SEP}` }),
  /** The state the host keeps between events, written after every callback. */
  runtime: (tenantId: string, id: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `STRATEGY_RT${SEP}${assertSafe(id, 'strategy id')}`,
  }),
  /** Versions, logs and strategy.* events of one strategy, apart from the tenant's hot partition. */
  ownPk: (tenantId: string, id: string): string =>
    `${tenantPk(tenantId)}${SEP}STRATEGY${SEP}${assertSafe(id, 'strategy id')}`,
  version: (tenantId: string, id: string, version: number): ItemKey => ({
    pk: strategyKeys.ownPk(tenantId, id),
    sk: `VERSION${SEP}${String(version).padStart(10, '0')}`,
  }),
  versionPrefix: `VERSION${SEP}`,
  logPrefix: `LOG${SEP}`,
  log: (tenantId: string, id: string, logId: string): ItemKey => ({
    pk: strategyKeys.ownPk(tenantId, id),
    sk: `LOG${SEP}${assertSafe(logId, 'log id')}`,
  }),
  event: (tenantId: string, id: string, eventId: string): ItemKey => ({
    pk: strategyKeys.ownPk(tenantId, id),
    sk: `EVENT${SEP}${assertSafe(eventId, 'event id')}`,
  }),
  /** Sparse gsi3 list of running strategies, platform-wide: what the strategy host runs. */
  runningPk: (): string => `STRATEGIES${SEP}RUNNING`,
  runningSk: (tenantId: string, id: string): string =>
    `${assertSafe(tenantId, 'tenant id')}${SEP}${assertSafe(id, 'strategy id')}`,
  backtest: (tenantId: string, id: string): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `BACKTEST${SEP}${assertSafe(id, 'backtest id')}`,
  }),
  /** The n-th chunk of the bars uploaded with a backtest, kept until its worker read them. */
  backtestBars: (tenantId: string, id: string, chunk: number): ItemKey => ({
    pk: tenantPk(tenantId),
    sk: `BACKTEST${SEP}${assertSafe(id, 'backtest id')}${SEP}BARS${SEP}${String(chunk).padStart(4, '0')}`,
  }),
};

/**
 * Broker connections and IB accounts (docs/connections.md). Both are platform-level: a bridge
 * knows only its connection id and an order names only an account, and an account must belong to
 * at most one tenant platform-wide (a conditional write on its one item). Tenants list theirs
 * through gsi1 partitions that start with their own prefix.
 */
export const connectionKeys = {
  connection: (connectionId: string): ItemKey => ({
    pk: `CONN${SEP}${assertSafe(connectionId, 'connection id')}`,
    sk: 'CONNECTION',
  }),
  /** Every connection (gsi2), what the provisioner walks at start-up. */
  allPk: (): string => `SYSTEM${SEP}CONNECTIONS`,
  /** A tenant's own connections (gsi1), oldest first. */
  ownedPk: (tenantId: string): string => `${tenantPk(tenantId)}${SEP}CONNECTIONS`,
  /** The operator's shared (advisor) connections (gsi1). */
  sharedPk: (): string => `SYSTEM${SEP}SHARED_CONNECTIONS`,
  /** connection.* events, kept beside the connection and published through the outbox. */
  event: (connectionId: string, eventId: string): ItemKey => ({
    pk: `CONN${SEP}${assertSafe(connectionId, 'connection id')}`,
    sk: `EVENT${SEP}${assertSafe(eventId, 'event id')}`,
  }),
};

export const accountKeys = {
  /** `{ accountId, connectionId, tenantId | null, currency }`: who owns one IB account. */
  account: (accountId: string): ItemKey => ({
    pk: `ACCOUNT${SEP}${assertSafe(accountId, 'account')}`,
    sk: 'ACCOUNT',
  }),
  /** A tenant's accounts (gsi1), by account id. */
  ownedPk: (tenantId: string): string => `${tenantPk(tenantId)}${SEP}ACCOUNTS`,
  /** `{ accountId, values: { tag: { value, currency } }, at }`: IB's account values, as the bridge last heard them. */
  values: (accountId: string): ItemKey => ({
    pk: `ACCOUNT${SEP}${assertSafe(accountId, 'account')}`,
    sk: 'VALUES',
  }),
  /** The account an order without `account` goes to. */
  tenantDefault: (tenantId: string): ItemKey => ({ pk: tenantPk(tenantId), sk: 'ACCOUNT_DEFAULT' }),
};

/** The broker request/reply channel and the contract cache. */
export const brokerKeys = {
  /** A bridge's answer to one request: under the asking tenant, named by the asker's random id. */
  reply: (tenantId: string, requestId: string): ItemKey => ({
    pk: `${tenantPk(tenantId)}${SEP}BREPLY${SEP}${assertSafe(requestId, 'request id')}`,
    sk: 'REPLY',
  }),
  /** IB's contract details of one conId: public data, shared by every tenant. */
  instrument: (conId: number): ItemKey => ({ pk: `INSTRUMENT${SEP}${conId}`, sk: 'DETAILS' }),
};

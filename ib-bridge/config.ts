import { env } from '../core/topology.ts';

/** How the bridge is configured: all from the environment, as ECS (and the local stack) set it. */
export interface BridgeConfig {
  /**
   * The broker connection this bridge serves (docs/connections.md): its gateway, client id and
   * queue come from the connection record, it holds the connection's lease, keeps its IB state
   * under the connection and reports to the record. Unset: the single bridge of IB_HOST/IB_PORT.
   */
  connectionId?: string | undefined;
  /** How long the connection's lease runs without renewal (it is renewed with every heartbeat). */
  leaseSeconds?: number;
  /**
   * This connection is the upgraded single bridge (docs/connections.md, "Upgrading"): it keeps the
   * IB state stored per client id before connections existed, and also drains the shared orders
   * queue (OMS_ORDERS_QUEUE_URL) of commands queued there before the upgrade.
   */
  inheritsSingleBridge?: boolean;
  /** The shared orders queue an inheriting connection bridge also drains. */
  sharedQueueUrl?: string | undefined;
  ib: { host: string; port: number; clientId: number; account: string | undefined };
  tableName: string;
  ordersQueueUrl: string;
  eventBusName: string;
  /** Port of /health and /health/ready; 0 = a free port (printed). */
  healthPort: number;
  /** Messages per second the bridge sends to IB at most (IB allows 50; stay under it). */
  maxMessagesPerSecond: number;
  /** Messages that may go back to back after a pause (the bucket's size); rate + burst ≤ 50. */
  burst: number;
  /** Queue message visibility while a command is worked on; extended while it lasts. */
  visibilitySeconds: number;
  /** Concurrent receive loops on the orders queue. */
  receivers: number;
  /** Long-poll wait of a receive. */
  waitSeconds: number;
  heartbeatMs: number;
  outboxIntervalMs: number;
  /** Whether the bridge runs the outbox drainer (the local stack runs its own as well). */
  drainOutbox: boolean;
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value))
    throw new Error(`Environment variable ${name} must be a number, not ${JSON.stringify(raw)}`);
  return value;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

/** Names of the bridge's own environment variables (the resources use the topology's names). */
export const bridgeEnv = {
  host: 'IB_HOST',
  port: 'IB_PORT',
  clientId: 'IB_CLIENT_ID',
  account: 'IB_ACCOUNT',
  healthPort: 'BRIDGE_HEALTH_PORT',
  maxMessagesPerSecond: 'BRIDGE_MAX_MSG_PER_SEC',
  burst: 'BRIDGE_MSG_BURST',
  visibilitySeconds: 'BRIDGE_VISIBILITY_SECONDS',
  receivers: 'BRIDGE_RECEIVERS',
  waitSeconds: 'BRIDGE_WAIT_SECONDS',
  heartbeatMs: 'BRIDGE_HEARTBEAT_MS',
  drainOutbox: 'BRIDGE_DRAIN_OUTBOX',
  connectionId: 'OMS_CONNECTION_ID',
  leaseSeconds: 'BRIDGE_LEASE_SECONDS',
  inheritsSingleBridge: 'BRIDGE_INHERITS_SINGLE_BRIDGE',
} as const;

/** The configuration from the environment. */
export function configFromEnv(): BridgeConfig {
  const account = process.env[bridgeEnv.account];
  const connectionId = process.env[bridgeEnv.connectionId] || undefined;
  return {
    connectionId,
    leaseSeconds: int(bridgeEnv.leaseSeconds, 15),
    inheritsSingleBridge: process.env[bridgeEnv.inheritsSingleBridge] === 'true',
    sharedQueueUrl: connectionId ? process.env[env.ordersQueueUrl] || undefined : undefined,
    ib: {
      host: process.env[bridgeEnv.host] || '127.0.0.1',
      port: int(bridgeEnv.port, 4002),
      clientId: int(bridgeEnv.clientId, 1),
      account: account || undefined,
    },
    tableName: required(env.tableName),
    // A connection's bridge finds its own queue by name (the environment names the shared one).
    ordersQueueUrl: connectionId ? '' : required(env.ordersQueueUrl),
    eventBusName: process.env[env.eventBusName] || 'oms-events',
    healthPort: int(bridgeEnv.healthPort, 8080),
    // 46 leaves IB's 50 a margin for the jitter between our clock and the gateway's.
    maxMessagesPerSecond: int(bridgeEnv.maxMessagesPerSecond, 46),
    // A token or two in hand makes up for timers that fire late on a busy event loop.
    burst: int(bridgeEnv.burst, 2),
    visibilitySeconds: int(bridgeEnv.visibilitySeconds, 30),
    receivers: int(bridgeEnv.receivers, 4),
    waitSeconds: int(bridgeEnv.waitSeconds, 5),
    heartbeatMs: int(bridgeEnv.heartbeatMs, 5000),
    outboxIntervalMs: 200,
    drainOutbox: process.env[bridgeEnv.drainOutbox] !== 'false',
  };
}

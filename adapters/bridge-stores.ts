/**
 * The bridge's adapters on one set of AWS clients: the execution store, the market-data stores
 * and the outbox drainer. The bridge sees them through core's ports only, so it imports no SDK.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  BridgeStateStore,
  ConnectionLeaseStore,
  ConnectionRecords,
  ExecutionStore,
} from '../core/bridge/ports.ts';
import type { AccountValuesStore } from '../core/connections/account-summary.ts';
import type { QuoteCache, SubscriptionStore } from '../core/marketdata/ports.ts';
import { DynamoAccountValuesStore } from './dynamodb/account-values-store.ts';
import { DynamoConnectionStore } from './dynamodb/connection-store.ts';
import { DynamoExecutionStore } from './dynamodb/execution-store.ts';
import { DynamoLeaseStore } from './dynamodb/lease-store.ts';
import { DynamoQuoteCache } from './dynamodb/quote-cache.ts';
import { DynamoBrokerReplyStore } from './dynamodb/broker-replies.ts';
import type { BrokerReplyStore } from '../core/broker/ports.ts';
import { DynamoSubscriptionStore } from './dynamodb/subscriptions-store.ts';
import { startOutboxDrainer, type OutboxDrainer } from './outbox/drain.ts';
import { publishingQuotes } from './stream/quote-events.ts';
import { bridgeConnectionId, houseConnection, ordersQueueConnection } from './connections-config.ts';

/** The connection whose commands (and broker requests) the single orders queue carries. */
export { ordersQueueConnection };

export interface BridgeStores {
  execution: ExecutionStore & BridgeStateStore;
  quoteCache: QuoteCache;
  subscriptions: Pick<SubscriptionStore, 'wanted' | 'finishSnapshot'>;
  /** Connection leases (a connection's bridge holds its connection by one). */
  leases: ConnectionLeaseStore;
  /** The connection records (the bridge of a connection reads its own and reports to it). */
  connections: ConnectionRecords | undefined;
  /** IB's account values of the connection's accounts, for GET /accounts/{id}/summary. */
  accountValues: AccountValuesStore;
  /** Answers to broker requests (contract look-ups, what-if); without it the bridge serves none. */
  brokerReplies?: BrokerReplyStore;
  /** Publishes the outbox to the bus; undefined when another process drains it. */
  drainer: OutboxDrainer | undefined;
  destroy(): void;
}

export interface BridgeStoresOptions {
  tableName: string;
  eventBusName: string;
  quoteTtlSeconds: number;
  drainOutbox: boolean;
  outboxIntervalMs: number;
  logger: { warn(message: string, data?: Record<string, unknown>): void };
  /**
   * The connection the bridge serves: its IB state is kept under it (see DynamoExecutionStore)
   * and it follows that connection's market-data list (undefined: the house's).
   */
  connectionId?: string | undefined;
  /** The fencing token of the connection's lease, checked when IB order ids are reserved. */
  fencingToken?: () => number | undefined;
  /** The connection inherits the single bridge's state, kept per client id. */
  scopeByClientId?: boolean;
}

/** The house connection keeps the market-data keys from before connections. */
function marketDataScope(connectionId: string | undefined): string | undefined {
  return connectionId === undefined || connectionId === houseConnection() ? undefined : connectionId;
}

export function bridgeStores(options: BridgeStoresOptions): BridgeStores {
  const dynamo = new DynamoDBClient({});
  const events = new EventBridgeClient({});
  const { tableName, logger } = options;
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const marketDataConnection = marketDataScope(options.connectionId ?? bridgeConnectionId());
  const drainer = options.drainOutbox
    ? startOutboxDrainer({
        doc,
        events,
        tableName,
        busName: options.eventBusName,
        intervalMs: options.outboxIntervalMs,
        logger,
        onError: (error) => logger.warn('outbox drain failed; retried next round', { error: String(error) }),
      })
    : undefined;
  return {
    execution: new DynamoExecutionStore(dynamo, tableName, {
      ...(options.connectionId ? { connectionId: options.connectionId } : {}),
      ...(options.fencingToken ? { fencingToken: options.fencingToken } : {}),
      scopeByClientId: options.scopeByClientId ?? false,
    }),
    leases: new DynamoLeaseStore(dynamo, tableName),
    connections: new DynamoConnectionStore(doc, tableName),
    accountValues: new DynamoAccountValuesStore(dynamo, tableName),
    // Each streamed quote also goes on the bus, for the stream's quotes:<SYMBOL> followers.
    quoteCache: publishingQuotes(
      new DynamoQuoteCache(dynamo, tableName, {
        ttlSeconds: options.quoteTtlSeconds,
        connectionId: marketDataConnection,
      }),
      {
        events,
        busName: options.eventBusName,
        onError: (error, quote) =>
          logger.warn('quote update not published', { symbol: quote.symbol, error: String(error) }),
      },
    ),
    subscriptions: new DynamoSubscriptionStore(dynamo, tableName, marketDataConnection),
    brokerReplies: new DynamoBrokerReplyStore(dynamo, tableName),
    drainer,
    destroy: () => {
      dynamo.destroy();
      events.destroy();
    },
  };
}

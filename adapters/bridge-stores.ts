/**
 * The bridge's adapters on one set of AWS clients: the execution store, the market-data stores
 * and the outbox drainer. The bridge sees them through core's ports only, so it imports no SDK.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BridgeStateStore, ExecutionStore } from '../core/bridge/ports.ts';
import type { QuoteCache, SubscriptionStore } from '../core/marketdata/ports.ts';
import { DynamoExecutionStore } from './dynamodb/execution-store.ts';
import { DynamoQuoteCache } from './dynamodb/quote-cache.ts';
import { DynamoSubscriptionStore } from './dynamodb/subscriptions-store.ts';
import { startOutboxDrainer, type OutboxDrainer } from './outbox/drain.ts';
import { bridgeConnectionId, houseConnection } from './connections-config.ts';

export interface BridgeStores {
  execution: ExecutionStore & BridgeStateStore;
  quoteCache: QuoteCache;
  subscriptions: Pick<SubscriptionStore, 'wanted' | 'finishSnapshot'>;
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
  /** The bridge's broker connection: it follows that connection's market-data list (undefined: the house's). */
  connectionId?: string;
}

/** The house connection keeps the market-data keys from before connections. */
function marketDataScope(connectionId: string | undefined): string | undefined {
  return connectionId === undefined || connectionId === houseConnection() ? undefined : connectionId;
}

export function bridgeStores(options: BridgeStoresOptions): BridgeStores {
  const dynamo = new DynamoDBClient({});
  const events = new EventBridgeClient({});
  const { tableName, logger } = options;
  const connectionId = marketDataScope(options.connectionId ?? bridgeConnectionId());
  const drainer = options.drainOutbox
    ? startOutboxDrainer({
        doc: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
        events,
        tableName,
        busName: options.eventBusName,
        intervalMs: options.outboxIntervalMs,
        logger,
        onError: (error) => logger.warn('outbox drain failed; retried next round', { error: String(error) }),
      })
    : undefined;
  return {
    execution: new DynamoExecutionStore(dynamo, tableName),
    quoteCache: new DynamoQuoteCache(dynamo, tableName, {
      ttlSeconds: options.quoteTtlSeconds,
      connectionId,
    }),
    subscriptions: new DynamoSubscriptionStore(dynamo, tableName, connectionId),
    drainer,
    destroy: () => {
      dynamo.destroy();
      events.destroy();
    },
  };
}

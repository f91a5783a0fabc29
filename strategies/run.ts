/**
 * The strategy host as a long-running service: its adapters, the bus events from its queue, the
 * quote and timer polls, and a periodic refresh of what runs (the bus events make it prompt; the
 * refresh makes it right after anything was missed).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoExecutionStore } from '../adapters/dynamodb/execution-store.ts';
import { DynamoOrderStore } from '../adapters/dynamodb/order-store.ts';
import { DynamoQuoteCache } from '../adapters/dynamodb/quote-cache.ts';
import { DynamoQuoteSource } from '../adapters/dynamodb/quote-source.ts';
import { DynamoStrategyStore } from '../adapters/dynamodb/strategy-store.ts';
import { DynamoSubscriptionStore } from '../adapters/dynamodb/subscriptions-store.ts';
import { DynamoConnectionStore } from '../adapters/dynamodb/connection-store.ts';
import { StoreOrderRouter } from '../adapters/dynamodb/order-routes.ts';
import { ConnectionOrderQueue, ordersQueueConnection } from '../adapters/sqs/connection-queues.ts';
import { marketDataConfig, type MarketDataConfig } from '../core/marketdata/config.ts';
import type { CallbackLimits } from '../core/strategies/callbacks.ts';
import { StrategyHost, type HostLogger } from './host.ts';
import { StrategyMarketData } from './market-data.ts';

export interface StrategyHostConfig {
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  tableName: string;
  ordersQueueUrl: string;
  /** The queue the `oms-events-to-strategies` rule feeds. */
  eventsQueueUrl: string;
  log: HostLogger;
  quotePollMs?: number;
  timerPollMs?: number;
  refreshMs?: number;
  waitSeconds?: number;
  limits?: CallbackLimits;
  /** The line limit and quote TTL the subscriptions follow; by default from the environment. */
  marketData?: MarketDataConfig;
}

export interface RunningHost {
  host: StrategyHost;
  stop(): Promise<void>;
}

/** Starts the host and its loops; `stop` drains the callbacks in flight and ends the sandboxes. */
export async function startStrategyHost(config: StrategyHostConfig): Promise<RunningHost> {
  const marketData = config.marketData ?? marketDataConfig(process.env);
  const host = new StrategyHost({
    store: new DynamoStrategyStore(config.dynamo, config.tableName),
    orders: {
      store: new DynamoOrderStore(config.dynamo, config.tableName),
      queue: new ConnectionOrderQueue(config.sqs, {
        queueUrl: config.ordersQueueUrl,
        connectionId: ordersQueueConnection(),
      }),
      quotes: new DynamoQuoteSource(config.dynamo, config.tableName),
      // A strategy's `account` is held to the same rule as an API caller's.
      routes: new StoreOrderRouter(new DynamoConnectionStore(config.dynamo, config.tableName)),
      warn: (message, data) => config.log.warn(message, data),
    },
    positions: new DynamoExecutionStore(config.dynamo, config.tableName),
    quotes: new DynamoQuoteCache(config.dynamo, config.tableName, { ttlSeconds: 3600 }),
    marketData: new StrategyMarketData({
      subscriptions: new DynamoSubscriptionStore(config.dynamo, config.tableName),
      quotes: new DynamoQuoteCache(config.dynamo, config.tableName, {
        ttlSeconds: marketData.quoteTtlSeconds,
      }),
      config: marketData,
    }),
    log: config.log,
    ...(config.limits ? { limits: config.limits } : {}),
  });
  let stopped = false;
  const loops: Array<Promise<void>> = [];
  const every = (ms: number, what: string, fn: () => Promise<void>) =>
    loops.push(
      (async () => {
        while (!stopped) {
          try {
            await fn();
          } catch (error) {
            config.log.error(`${what} failed`, { error: String(error) });
          }
          await sleep(ms, () => stopped);
        }
      })(),
    );

  await host.refresh();
  every(config.refreshMs ?? 5_000, 'strategy refresh', () => host.refresh());
  every(config.quotePollMs ?? 500, 'quote poll', () => host.pollQuotes());
  every(config.timerPollMs ?? 250, 'timers', () => host.fireTimers());
  every(0, 'event intake', async () => {
    const { Messages = [] } = await config.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: config.eventsQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: config.waitSeconds ?? 2,
      }),
    );
    if (Messages.length === 0) return;
    for (const m of Messages) {
      const envelope = JSON.parse(m.Body ?? '{}') as {
        'detail-type'?: string;
        detail?: Record<string, unknown>;
      };
      if (envelope['detail-type'] && envelope.detail)
        await host.onBusEvent({ detailType: envelope['detail-type'], detail: envelope.detail });
    }
    // Deleted only once handled: a crash before this redelivers, and the event ids make it harmless.
    await config.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: config.eventsQueueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
  });
  config.log.info('strategy host started', { running: host.running().length });
  return {
    host,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      await host.close();
    },
  };
}

function sleep(ms: number, cancelled: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (ms === 0 || cancelled()) return resolve();
    const started = Date.now();
    const tick = () =>
      cancelled() || Date.now() - started >= ms ? resolve() : setTimeout(tick, Math.min(ms, 100));
    setTimeout(tick, Math.min(ms, 100));
  });
}

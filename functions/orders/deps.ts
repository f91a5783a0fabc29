import { dynamoClient, resources, sqsClient } from '../../adapters/aws.ts';
import { documentClient } from '../../adapters/dynamodb/document-client.ts';
import { DynamoConnectionStore } from '../../adapters/dynamodb/connection-store.ts';
import { DynamoOrderStore } from '../../adapters/dynamodb/order-store.ts';
import { StoreOrderRouter } from '../../adapters/dynamodb/order-routes.ts';
import { DynamoQuoteSource } from '../../adapters/dynamodb/quote-source.ts';
import { ConnectionOrderQueue, ordersQueueConnection } from '../../adapters/sqs/connection-queues.ts';
import { AccountNotFoundError } from '../../core/connections/errors.ts';
import { DynamoSubscriptionStore } from '../../adapters/dynamodb/subscriptions-store.ts';
import { DynamoQuoteCache } from '../../adapters/dynamodb/quote-cache.ts';
import { houseConnection } from '../../adapters/connections-config.ts';
import { awaitSnapshot } from '../../core/marketdata/service.ts';
import { referencePrice } from '../../core/marketdata/quote.ts';
import { orderPricingConfig } from '../../core/orders/config.ts';
import type { PriceSnapshot } from '../../core/orders/reference-price.ts';
import type { OrderDeps } from '../../core/orders/service.ts';
import { registerProblem } from '../shared/problems.ts';
import { logger } from '../shared/observability.ts';

registerProblem(AccountNotFoundError, { status: 422, title: 'Not one of your accounts' });

let cached: { key: string; deps: OrderDeps } | undefined;

/** The order use cases' adapters, built once per runtime (and again only if the resources change). */
export function orderDeps(): OrderDeps {
  const dynamo = dynamoClient();
  const sqs = sqsClient();
  const { tableName, ordersQueueUrl } = resources();
  const { snapshotWaitMs } = orderPricingConfig(process.env);
  const key = `${tableName} ${ordersQueueUrl} ${snapshotWaitMs}`;
  if (cached?.key !== key) {
    const quotes = new DynamoQuoteSource(dynamo, tableName);
    // The snapshot is asked of the order's own connection (the house's keys have no connection).
    const priceSnapshot: PriceSnapshot = async (symbol, connectionId) => {
      const scope = connectionId === houseConnection() ? undefined : connectionId;
      const outcome = await awaitSnapshot(
        {
          subscriptions: new DynamoSubscriptionStore(dynamo, tableName, scope),
          quotes: new DynamoQuoteCache(dynamo, tableName, { ttlSeconds: 0, connectionId: scope }),
        },
        symbol,
        undefined,
        snapshotWaitMs,
      );
      if ('failure' in outcome) return outcome;
      const price = referencePrice(outcome.quote);
      return price ? { price } : { failure: 'the snapshot carried no bid, ask or last price' };
    };
    cached = {
      key,
      deps: {
        store: new DynamoOrderStore(dynamo, tableName),
        queue: new ConnectionOrderQueue(sqs, {
          queueUrl: ordersQueueUrl,
          connectionId: ordersQueueConnection(),
        }),
        quotes,
        routes: new StoreOrderRouter(new DynamoConnectionStore(documentClient(), tableName)),
        ...(snapshotWaitMs > 0 ? { priceSnapshot } : {}),
        warn: (message, data) => logger.warn(message, data),
      },
    };
  }
  return cached.deps;
}

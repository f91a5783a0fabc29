import { dynamoClient, resources, sqsClient } from '../../adapters/aws.ts';
import { DynamoOrderStore } from '../../adapters/dynamodb/order-store.ts';
import { DynamoQuoteSource } from '../../adapters/dynamodb/quote-source.ts';
import { SqsOrderQueue } from '../../adapters/sqs/order-queue.ts';
import type { OrderDeps } from '../../core/orders/service.ts';
import { logger } from '../shared/observability.ts';

let cached: { key: string; deps: OrderDeps } | undefined;

/** The order use cases' adapters, built once per runtime (and again only if the resources change). */
export function orderDeps(): OrderDeps {
  const dynamo = dynamoClient();
  const sqs = sqsClient();
  const { tableName, ordersQueueUrl } = resources();
  const key = `${tableName} ${ordersQueueUrl}`;
  if (cached?.key !== key) {
    cached = {
      key,
      deps: {
        store: new DynamoOrderStore(dynamo, tableName),
        queue: new SqsOrderQueue(sqs, ordersQueueUrl),
        quotes: new DynamoQuoteSource(dynamo, tableName),
        warn: (message, data) => logger.warn(message, data),
      },
    };
  }
  return cached.deps;
}

import { documentClient, dynamoClient, resources, sqsClient } from '../../adapters/aws.ts';
import { DynamoConnectionStore } from '../../adapters/dynamodb/connection-store.ts';
import { DynamoOrderStore } from '../../adapters/dynamodb/order-store.ts';
import { StoreOrderRouter } from '../../adapters/dynamodb/order-routes.ts';
import { DynamoQuoteSource } from '../../adapters/dynamodb/quote-source.ts';
import { ConnectionOrderQueue, ordersQueueConnection } from '../../adapters/sqs/connection-queues.ts';
import { AccountNotFoundError } from '../../core/connections/errors.ts';
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
  const key = `${tableName} ${ordersQueueUrl}`;
  if (cached?.key !== key) {
    cached = {
      key,
      deps: {
        store: new DynamoOrderStore(dynamo, tableName),
        queue: new ConnectionOrderQueue(sqs, {
          queueUrl: ordersQueueUrl,
          connectionId: ordersQueueConnection(),
        }),
        quotes: new DynamoQuoteSource(dynamo, tableName),
        routes: new StoreOrderRouter(new DynamoConnectionStore(documentClient(), tableName)),
        warn: (message, data) => logger.warn(message, data),
      },
    };
  }
  return cached.deps;
}

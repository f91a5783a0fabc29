import { dynamoClient, resources, sqsClient } from '../../adapters/aws.ts';
import { documentClient } from '../../adapters/dynamodb/document-client.ts';
import { DynamoBrokerReplyStore } from '../../adapters/dynamodb/broker-replies.ts';
import { DynamoConnectionStore } from '../../adapters/dynamodb/connection-store.ts';
import { DynamoInstrumentCache } from '../../adapters/dynamodb/instrument-cache.ts';
import { StoreOrderRouter } from '../../adapters/dynamodb/order-routes.ts';
import { QueueBrokerRequestChannel } from '../../adapters/sqs/broker-requests.ts';
import { ConnectionOrderQueue, ordersQueueConnection } from '../../adapters/sqs/connection-queues.ts';
import { brokerRequestConfig, instrumentCacheTtlSeconds } from '../../core/broker/config.ts';
import { BrokerRequestFailedError, BrokerTimeoutError } from '../../core/broker/errors.ts';
import { AccountNotFoundError } from '../../core/connections/errors.ts';
import {
  InstrumentAmbiguousError,
  InstrumentNotTradableError,
  InstrumentUnknownError,
} from '../../core/instruments/errors.ts';
import type { InstrumentDeps } from '../../core/instruments/service.ts';
import { registerProblem } from '../shared/problems.ts';

registerProblem(BrokerTimeoutError, { status: 504, title: 'The broker did not answer in time' });
registerProblem(BrokerRequestFailedError, { status: 502, title: 'The broker refused the request' });
registerProblem(InstrumentUnknownError, { status: 422, title: 'No such instrument at the broker' });
registerProblem(InstrumentAmbiguousError, { status: 422, title: 'The instrument is ambiguous' });
registerProblem(InstrumentNotTradableError, { status: 422, title: 'The instrument cannot be traded here' });
registerProblem(AccountNotFoundError, { status: 422, title: 'Not one of your accounts' });

let cached: { key: string; deps: InstrumentDeps } | undefined;

/** Instrument look-ups' adapters (the broker channel, the contract cache), built once per runtime. */
export function instrumentDeps(): InstrumentDeps {
  const { tableName, ordersQueueUrl } = resources();
  const { waitMs } = brokerRequestConfig(process.env);
  const ttl = instrumentCacheTtlSeconds(process.env);
  const key = `${tableName} ${ordersQueueUrl} ${waitMs} ${ttl}`;
  if (cached?.key !== key) {
    const dynamo = dynamoClient();
    const queues = new ConnectionOrderQueue(sqsClient(), {
      queueUrl: ordersQueueUrl,
      connectionId: ordersQueueConnection(),
    });
    cached = {
      key,
      deps: {
        broker: {
          channel: new QueueBrokerRequestChannel(queues),
          replies: new DynamoBrokerReplyStore(dynamo, tableName),
          waitMs,
        },
        routes: new StoreOrderRouter(new DynamoConnectionStore(documentClient(), tableName)),
        cache: new DynamoInstrumentCache(dynamo, tableName),
        cacheTtlSeconds: ttl,
      },
    };
  }
  return cached.deps;
}

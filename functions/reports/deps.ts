import { dynamoClient, resources } from '../../adapters/aws.ts';
import { DynamoFillReads } from '../../adapters/dynamodb/fill-reads.ts';
import { DynamoOrderStore } from '../../adapters/dynamodb/order-store.ts';

/** The reads the report handlers need, on this runtime's clients. */
export function reportDeps() {
  const dynamo = dynamoClient();
  const { tableName } = resources();
  return { fills: new DynamoFillReads(dynamo, tableName), orders: new DynamoOrderStore(dynamo, tableName) };
}

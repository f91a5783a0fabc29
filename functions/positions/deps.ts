import { dynamoClient, resources } from '../../adapters/aws.ts';
import { DynamoExecutionStore } from '../../adapters/dynamodb/execution-store.ts';
import { DynamoQuoteSource } from '../../adapters/dynamodb/quote-source.ts';
import type { PositionDeps } from '../../core/positions/service.ts';

/** The stores the positions and P&L handlers read, on this runtime's clients. */
export function positionDeps(): PositionDeps {
  const dynamo = dynamoClient();
  const { tableName } = resources();
  return {
    store: new DynamoExecutionStore(dynamo, tableName),
    quotes: new DynamoQuoteSource(dynamo, tableName),
  };
}

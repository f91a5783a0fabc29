import { dynamoClient, resources } from '../../adapters/aws.ts';
import { DynamoStrategyStore } from '../../adapters/dynamodb/strategy-store.ts';

let cached: { key: string; store: DynamoStrategyStore } | undefined;

/**
 * The strategy store of this runtime's table: all that the routes which neither compile nor run
 * a strategy need, so their bundles hold neither esbuild nor the sandbox.
 */
export function storeDeps(): { store: DynamoStrategyStore } {
  const { tableName } = resources();
  if (cached?.key !== tableName)
    cached = { key: tableName, store: new DynamoStrategyStore(dynamoClient(), tableName) };
  return { store: cached.store };
}

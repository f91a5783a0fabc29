import { dynamoClient, resources } from '../../adapters/aws.ts';
import { documentClient } from '../../adapters/dynamodb/document-client.ts';
import { houseConnection } from '../../adapters/connections-config.ts';
import { DynamoConnectionStore } from '../../adapters/dynamodb/connection-store.ts';
import { DynamoQuoteCache } from '../../adapters/dynamodb/quote-cache.ts';
import { DynamoSubscriptionStore } from '../../adapters/dynamodb/subscriptions-store.ts';
import { marketDataConfig } from '../../core/marketdata/config.ts';
import {
  MarketDataContentionError,
  MarketDataLineLimitError,
  QuoteUnavailableError,
} from '../../core/marketdata/errors.ts';
import type { MarketDataDeps } from '../../core/marketdata/service.ts';
import { registerProblem } from '../shared/problems.ts';

registerProblem(MarketDataLineLimitError, { status: 409, title: 'Market-data line limit reached' });
registerProblem(QuoteUnavailableError, { status: 404, title: 'No quote available' });
registerProblem(MarketDataContentionError, { status: 503, title: 'Too much concurrent change; retry' });

const cached = new Map<string, MarketDataDeps>();

/**
 * The market-data use cases' adapters for one broker connection's lines and quotes (undefined: the
 * house connection), built once per runtime and connection (again only if the table changes).
 */
export function marketDataDeps(connectionId?: string): MarketDataDeps {
  const dynamo = dynamoClient();
  const { tableName } = resources();
  const config = marketDataConfig(process.env);
  const key = `${tableName} ${JSON.stringify(config)} ${connectionId ?? ''}`;
  let deps = cached.get(key);
  if (!deps) {
    deps = {
      subscriptions: new DynamoSubscriptionStore(dynamo, tableName, connectionId),
      quotes: new DynamoQuoteCache(dynamo, tableName, { ttlSeconds: config.quoteTtlSeconds, connectionId }),
      config,
    };
    cached.set(key, deps);
  }
  return deps;
}

/**
 * The connection whose lines a tenant's market data uses: the one of its default account, so one
 * tenant's subscriptions never take another login's lines. Undefined for the house connection.
 */
export async function marketDataConnection(tenantId: string): Promise<string | undefined> {
  const store = new DynamoConnectionStore(documentClient(), resources().tableName);
  const accountId = await store.getDefaultAccount(tenantId);
  const account = accountId === undefined ? undefined : await store.getAccount(accountId);
  const connectionId = account?.tenantId === tenantId ? account.connectionId : undefined;
  return connectionId === undefined || connectionId === houseConnection() ? undefined : connectionId;
}

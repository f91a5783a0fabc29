import { dynamoClient, resources } from '../../adapters/aws.ts';
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

let cached: { key: string; deps: MarketDataDeps } | undefined;

/** The market-data use cases' adapters, built once per runtime (again only if the table changes). */
export function marketDataDeps(): MarketDataDeps {
  const dynamo = dynamoClient();
  const { tableName } = resources();
  const config = marketDataConfig(process.env);
  const key = `${tableName} ${JSON.stringify(config)}`;
  if (cached?.key !== key) {
    cached = {
      key,
      deps: {
        subscriptions: new DynamoSubscriptionStore(dynamo, tableName),
        quotes: new DynamoQuoteCache(dynamo, tableName, { ttlSeconds: config.quoteTtlSeconds }),
        config,
      },
    };
  }
  return cached.deps;
}

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { referencePrice } from '../../core/marketdata/quote.ts';
import type { Dec } from '../../core/money.ts';
import type { QuoteSource } from '../../core/orders/ports.ts';
import { DynamoQuoteCache } from './quote-cache.ts';

/**
 * The price the risk checks use: the cached quote's mid (else last), as long as the cache still
 * holds it. A quote that stopped moving is still the best reference there is; an expired one is not.
 */
export class DynamoQuoteSource implements QuoteSource {
  readonly cache: DynamoQuoteCache;

  constructor(client: DynamoDBClient, table: string) {
    // Only reads: the TTL setting is the writer's concern.
    this.cache = new DynamoQuoteCache(client, table, { ttlSeconds: 0 });
  }

  async latestPrice(symbol: string): Promise<Dec | undefined> {
    const quote = await this.cache.get(symbol);
    return quote ? referencePrice(quote) : undefined;
  }
}

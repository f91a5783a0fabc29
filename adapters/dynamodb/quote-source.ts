import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { referencePrice } from '../../core/marketdata/quote.ts';
import type { Dec } from '../../core/money.ts';
import type { QuoteSource } from '../../core/orders/ports.ts';
import { houseConnection } from '../connections-config.ts';
import { DynamoQuoteCache } from './quote-cache.ts';

/**
 * The price the risk checks use: the cached quote's mid (else last), as long as the cache still
 * holds it. A quote that stopped moving is still the best reference there is; an expired one is not.
 */
export class DynamoQuoteSource implements QuoteSource {
  readonly cache: DynamoQuoteCache;
  private readonly client: DynamoDBClient;
  private readonly table: string;

  constructor(client: DynamoDBClient, table: string) {
    // Only reads: the TTL setting is the writer's concern.
    this.cache = new DynamoQuoteCache(client, table, { ttlSeconds: 0 });
    this.client = client;
    this.table = table;
  }

  async latestPrice(symbol: string, connectionId?: string): Promise<Dec | undefined> {
    const own =
      connectionId === undefined || connectionId === houseConnection()
        ? this.cache
        : new DynamoQuoteCache(this.client, this.table, { ttlSeconds: 0, connectionId });
    const quote = await own.get(symbol);
    return quote ? referencePrice(quote) : undefined;
  }
}

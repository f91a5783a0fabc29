/**
 * What the stream asks of market data, in one place: a tenant follows a symbol's quotes only while
 * it holds a market-data subscription to it (the item POST /marketdata/subscriptions writes), and
 * a new follower gets the cached quote. When subscriptions move (per broker connection, say), this
 * file is the one to change.
 */
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { QuoteCache } from '../../core/marketdata/ports.ts';
import type { Quote } from '../../core/marketdata/quote.ts';
import { marketKeys } from '../../core/store/keys.ts';
import type { MarketDataAccessPort } from '../../core/stream/ports.ts';
import { guardDynamo } from '../dynamodb/errors.ts';
import { toItem } from '../dynamodb/codec.ts';

export class DynamoMarketDataAccess implements MarketDataAccessPort {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly quotes: QuoteCache;

  constructor(client: DynamoDBClient, tableName: string, quotes: QuoteCache) {
    this.client = client;
    this.tableName = tableName;
    this.quotes = quotes;
  }

  async subscribes(tenantId: string, symbol: string): Promise<boolean> {
    const { Item } = await guardDynamo('reading a market-data subscription', () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: toItem({ ...marketKeys.subscription(tenantId, symbol) }),
          ConsistentRead: true,
          ProjectionExpression: 'pk',
        }),
      ),
    );
    return Item !== undefined;
  }

  latest(symbol: string): Promise<Quote | undefined> {
    return guardDynamo('reading a cached quote', () => this.quotes.get(symbol));
  }
}

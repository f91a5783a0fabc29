import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { QuoteCache } from '../../core/marketdata/ports.ts';
import { marketDataTypeId, type Quote } from '../../core/marketdata/quote.ts';
import { marketKeys } from '../../core/store/keys.ts';
import { fromItem, toItem } from './codec.ts';

const FIELDS = ['bid', 'ask', 'last', 'bidSize', 'askSize', 'lastSize'] as const;

/**
 * The quote cache: one item per symbol, replaced whole on every write (a side that went away
 * disappears). Prices and sizes are string attributes (`bid`, `ask`, `last` are what the risk
 * checks read through DynamoQuoteSource); `expiresAt` is the table's TTL attribute.
 */
export class DynamoQuoteCache implements QuoteCache {
  readonly client: DynamoDBClient;
  readonly table: string;
  readonly ttlSeconds: number;

  /** The broker connection whose quotes these are (undefined: the house connection). */
  readonly connectionId: string | undefined;

  constructor(client: DynamoDBClient, table: string, options: { ttlSeconds: number; connectionId?: string }) {
    this.client = client;
    this.table = table;
    this.ttlSeconds = options.ttlSeconds;
    this.connectionId = options.connectionId;
  }

  async put(quote: Quote): Promise<void> {
    const at = Date.parse(quote.at);
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: toItem({
          ...marketKeys.quote(quote.symbol, this.connectionId),
          ...quote,
          expiresAt: Math.floor((Number.isFinite(at) ? at : Date.now()) / 1000) + this.ttlSeconds,
        }),
      }),
    );
  }

  async get(symbol: string): Promise<Quote | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: toItem({ ...marketKeys.quote(symbol, this.connectionId) }),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const raw = fromItem(Item);
    // TTL sweeps run late (up to days in AWS): an expired item is as good as gone.
    if (typeof raw.expiresAt === 'number' && raw.expiresAt * 1000 < Date.now()) return undefined;
    const quote: Quote = {
      symbol,
      at: typeof raw.at === 'string' ? raw.at : new Date(0).toISOString(),
      marketDataType: marketDataTypeId(Number(raw.marketDataType)) ?? 1,
      source: raw.source === 'snapshot' ? 'snapshot' : 'stream',
    };
    for (const field of FIELDS) {
      const value = raw[field];
      if (typeof value === 'string' && value !== '') quote[field] = value;
    }
    return quote;
  }
}

import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Dec } from '../../core/money.ts';
import type { QuoteSource } from '../../core/orders/ports.ts';
import { marketKeys } from '../../core/store/keys.ts';
import { fromItem, toItem } from './codec.ts';

/** Reads the quote cache the bridge keeps: the mid of bid and ask, else the last trade. */
export class DynamoQuoteSource implements QuoteSource {
  readonly client: DynamoDBClient;
  readonly table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.client = client;
    this.table = table;
  }

  async latestPrice(symbol: string): Promise<Dec | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: toItem({ ...marketKeys.quote(symbol) }) }),
    );
    if (!Item) return undefined;
    const quote = fromItem(Item);
    const num = (v: unknown) => (typeof v === 'string' && v !== '' ? new Dec(v) : undefined);
    const bid = num(quote.bid);
    const ask = num(quote.ask);
    if (bid && ask && bid.gt(0) && ask.gt(0)) return bid.plus(ask).div(2);
    const last = num(quote.last);
    return last && last.gt(0) ? last : undefined;
  }
}

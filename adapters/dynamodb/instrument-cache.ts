import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { InstrumentDetails } from '../../core/instruments/details.ts';
import type { InstrumentCache } from '../../core/instruments/ports.ts';
import { brokerKeys } from '../../core/store/keys.ts';
import { fromItem, toItem } from './codec.ts';

/** The contract cache: one item per conId, the instrument as JSON, gone when `expiresAt` passes. */
export class DynamoInstrumentCache implements InstrumentCache {
  readonly client: DynamoDBClient;
  readonly table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.client = client;
    this.table = table;
  }

  async get(conId: number): Promise<InstrumentDetails | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: toItem({ ...brokerKeys.instrument(conId) }) }),
    );
    if (!Item) return undefined;
    const raw = fromItem(Item);
    // TTL sweeps run late: an expired item is as good as gone.
    if (typeof raw.expiresAt === 'number' && raw.expiresAt * 1000 < Date.now()) return undefined;
    return typeof raw.instrument === 'string' ? (JSON.parse(raw.instrument) as InstrumentDetails) : undefined;
  }

  async put(instrument: InstrumentDetails, ttlSeconds: number): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: toItem({
          ...brokerKeys.instrument(instrument.conId),
          instrument: JSON.stringify(instrument),
          cachedAt: new Date().toISOString(),
          expiresAt: Math.floor(Date.now() / 1000) + ttlSeconds,
        }),
      }),
    );
  }
}

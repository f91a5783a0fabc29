import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BrokerReply } from '../../core/broker/model.ts';
import type { BrokerReplyStore } from '../../core/broker/ports.ts';
import { brokerKeys } from '../../core/store/keys.ts';
import { fromItem, toItem } from './codec.ts';

/**
 * Broker replies: one item per request under the asking tenant. The reply travels as one JSON
 * string, so whatever IB returned (numbers, nested contracts) comes back exactly as written.
 */
export class DynamoBrokerReplyStore implements BrokerReplyStore {
  readonly client: DynamoDBClient;
  readonly table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.client = client;
    this.table = table;
  }

  async get(tenantId: string, requestId: string): Promise<BrokerReply | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: toItem({ ...brokerKeys.reply(tenantId, requestId) }),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const raw = fromItem(Item);
    if (typeof raw.reply !== 'string') return undefined;
    const reply = JSON.parse(raw.reply) as BrokerReply;
    // The key names the tenant; a reply claiming another is not this caller's.
    return reply.tenantId === tenantId && reply.requestId === requestId ? reply : undefined;
  }

  async put(reply: BrokerReply, ttlSeconds: number): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: toItem({
          ...brokerKeys.reply(reply.tenantId, reply.requestId),
          reply: JSON.stringify(reply),
          expiresAt: Math.floor(Date.now() / 1000) + ttlSeconds,
        }),
      }),
    );
  }
}

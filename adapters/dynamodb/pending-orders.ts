import { QueryCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { orderKeys, workKeys } from '../../core/store/keys.ts';
import { fromItem, toItem } from './codec.ts';
import { itemOrder } from './order-store.ts';
import type { Order } from '../../core/orders/order.ts';

/**
 * Accepted orders the bridge has not taken yet, across tenants (the sparse `PENDING_NEW` list on
 * gsi3). The sweeper reads it to re-queue orders whose queue message was lost.
 */
export class DynamoPendingOrders {
  readonly client: DynamoDBClient;
  readonly table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.client = client;
    this.table = table;
  }

  /** Orders accepted before `cutoff` and still waiting, oldest first, at most `limit`. */
  async olderThan(cutoff: Date, limit: number): Promise<Array<Order & { requeuedAt?: string }>> {
    const found: Array<Order & { requeuedAt?: string }> = [];
    for (let shard = 0; shard < workKeys.shards && found.length < limit; shard++) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :p AND gsi3sk < :cutoff',
          ExpressionAttributeValues: {
            ':p': { S: workKeys.pendingPk(shard) },
            ':cutoff': { S: cutoff.toISOString() },
          },
          Limit: limit - found.length,
        }),
      );
      for (const item of page.Items ?? []) {
        const raw = fromItem(item);
        found.push({
          ...itemOrder(raw),
          ...(raw.requeuedAt ? { requeuedAt: raw.requeuedAt as string } : {}),
        });
      }
    }
    return found;
  }

  /** Notes a re-send, so the sweeper waits before sending the same order again. */
  async markRequeued(order: Order, at: Date): Promise<void> {
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: toItem({ ...orderKeys.order(order.tenantId, order.id) }),
          UpdateExpression: 'SET requeuedAt = :at',
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':at': { S: at.toISOString() }, ':v': { N: String(order.version) } },
        }),
      )
      .catch((error: unknown) => {
        // The order moved on meanwhile (the bridge took it): nothing to note.
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      });
  }
}

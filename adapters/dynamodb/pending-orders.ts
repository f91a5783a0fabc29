import { orderKeys, workKeys } from '../../core/store/keys.ts';
import type { Order } from '../../core/orders/order.ts';
import { itemOrder } from './order-store.ts';
import { held, TableStore } from './table.ts';

/**
 * Accepted orders the bridge has not taken yet, across tenants (the sparse `PENDING_NEW` list on
 * gsi3). The sweeper reads it to re-queue orders whose queue message was lost.
 */
export class DynamoPendingOrders extends TableStore {
  /** Orders accepted before `cutoff` and still waiting, oldest first, at most `limit`. */
  async olderThan(cutoff: Date, limit: number): Promise<Array<Order & { requeuedAt?: string }>> {
    const found: Array<Order & { requeuedAt?: string }> = [];
    for (let shard = 0; shard < workKeys.shards && found.length < limit; shard++) {
      const { items } = await this.table.query(
        {
          index: 'gsi3',
          key: 'gsi3pk = :p AND gsi3sk < :cutoff',
          values: { ':p': workKeys.pendingPk(shard), ':cutoff': cutoff.toISOString() },
          limit: limit - found.length,
        },
        'listing pending orders',
      );
      for (const raw of items)
        found.push({
          ...itemOrder(raw),
          ...(raw.requeuedAt ? { requeuedAt: raw.requeuedAt as string } : {}),
        });
    }
    return found;
  }

  /** Notes a re-send, so the sweeper waits before sending the same order again. */
  async markRequeued(order: Order, at: Date): Promise<void> {
    // The order moved on meanwhile (the bridge took it): nothing to note.
    await held(
      this.table.update(
        orderKeys.order(order.tenantId, order.id),
        'SET requeuedAt = :at',
        'noting a re-send',
        {
          condition: 'version = :v',
          values: { ':at': at.toISOString(), ':v': order.version },
        },
      ),
    );
  }
}

/**
 * Reads and staging the tests need of the bridge's store and production never does: every fill
 * of a tenant, the stored risk counters, the foreign-order flags, and a claim written directly.
 */
import { DynamoExecutionStore } from '../../adapters/dynamodb/execution-store.ts';
import { itemFill, num } from '../../adapters/dynamodb/execution-items.ts';
import { claimRoute } from '../../core/bridge/apply.ts';
import type { StoredFill } from '../../core/bridge/ports.ts';
import type { Dec } from '../../core/money.ts';
import type { Order } from '../../core/orders/order.ts';
import { bridgeKeys, positionKeys, riskKeys } from '../../core/store/keys.ts';

export class TestExecutionStore extends DynamoExecutionStore {
  /** Every fill of a tenant. */
  async fills(tenantId: string): Promise<StoredFill[]> {
    const prefix = positionKeys.fillPrefix(tenantId);
    return (await this.query(prefix.pk, prefix.skPrefix)).map(itemFill);
  }

  /** The tenant's risk counters as stored, to compare with the sums they stand for. */
  async riskCounters(tenantId: string, symbols: string[]) {
    const counters = await this.getItem(riskKeys.counters(tenantId));
    const bySymbol: Record<string, { maxLong: Dec; maxShort: Dec; position: Dec }> = {};
    for (const symbol of symbols) {
      const item = await this.getItem(riskKeys.symbol(tenantId, symbol));
      bySymbol[symbol] = {
        maxLong: num(item?.maxLong),
        maxShort: num(item?.maxShort),
        position: num(item?.position),
      };
    }
    return { openOrders: Number(counters?.openOrders ?? 0), exposure: num(counters?.exposure), bySymbol };
  }

  /** Orders flagged as foreign. */
  foreignOrders(): Promise<Array<Record<string, unknown>>> {
    return this.query(bridgeKeys.foreignPk());
  }

  /** The claim decided and written in one call, to stage a routed order. */
  async claim(order: Order, brokerOrderId: number, clientId: number, now: string, reroute?: number) {
    const claim = claimRoute(order, brokerOrderId, clientId, now, reroute);
    await this.commitClaim(claim);
    return claim.order;
  }
}

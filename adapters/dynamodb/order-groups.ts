/**
 * The placement transaction of an order group: every leg, every leg's first event, the clientOrderId
 * claims, one idempotency record and the group's reservation (its worst case, decided in
 * core/risk/groups.ts) against the counting limits, all in one TransactWriteItems.
 */
import type { NewGroupWrite, NewOrderOutcome } from '../../core/orders/ports.ts';
import { orderKeys } from '../../core/store/keys.ts';
import { toItem } from './codec.ts';
import {
  eventItem,
  IDEMPOTENCY_TTL_SECONDS,
  orderItem,
  riskGuards,
  type DynamoOrderStore,
  type Guarded,
} from './order-store.ts';

/** Writes the group, or explains why not (a denial, a taken key or clientOrderId). */
export async function createOrderGroup(
  store: DynamoOrderStore,
  write: NewGroupWrite,
): Promise<NewOrderOutcome> {
  const { orders, events, idempotency, risk } = write;
  const first = orders[0];
  if (!first) throw new Error('a group has at least one order');
  const table = store.table;
  const notExists = 'attribute_not_exists(pk)';
  const taken = (): NewOrderOutcome => ({ kind: 'idempotency-key-taken' });
  const guarded: Guarded[] = [
    {
      // Idempotency first: a lost race is explained by the key, not by whatever else also failed.
      item: {
        Put: {
          TableName: table,
          Item: toItem({
            ...orderKeys.idempotency(first.tenantId, idempotency.keyHash),
            requestHash: idempotency.record.requestHash,
            orderId: idempotency.record.orderId,
            response: JSON.stringify(idempotency.record.response),
            expiresAt: Math.floor(Date.parse(first.createdAt) / 1000) + IDEMPOTENCY_TTL_SECONDS,
          }),
          ConditionExpression: notExists,
        },
      },
      onFail: taken,
    },
  ];
  for (const order of orders) {
    guarded.push({
      item: { Put: { TableName: table, Item: toItem(orderItem(order)), ConditionExpression: notExists } },
      onFail: taken,
    });
    if (order.clientOrderId) {
      guarded.push({
        item: {
          Put: {
            TableName: table,
            Item: toItem({
              ...orderKeys.clientOrderId(order.tenantId, order.clientOrderId),
              orderId: order.id,
            }),
            ConditionExpression: notExists,
          },
        },
        onFail: () => ({ kind: 'client-order-id-taken' }),
      });
    }
  }
  for (const event of events) {
    guarded.push({
      item: { Put: { TableName: table, Item: toItem(eventItem(event)), ConditionExpression: notExists } },
      onFail: taken,
    });
  }
  if (risk) {
    guarded.push(
      ...riskGuards(
        table,
        first.tenantId,
        risk.reservation,
        risk.limits,
        risk.day,
        { epochSecond: risk.epochSecond },
        risk.orders,
      ),
    );
  }
  const outcome = await store.transact(guarded);
  if (outcome === 'version-conflict') throw new Error('unreachable: new orders have no version guard');
  return outcome;
}

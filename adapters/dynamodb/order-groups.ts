/**
 * The placement transaction of an order group: every leg, every leg's first event, the clientOrderId
 * claims, one idempotency record and the group's reservation (its worst case, decided in
 * core/risk/groups.ts) against the counting limits, all in one TransactWriteItems.
 */
import type { CancellationReason, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { Order } from '../../core/orders/order.ts';
import type { OrderEvent } from '../../core/orders/events.ts';
import type {
  CountingLimits,
  NewGroupWrite,
  NewOrderOutcome,
  RiskReservation,
} from '../../core/orders/ports.ts';
import { orderKeys } from '../../core/store/keys.ts';
import { toItem } from './codec.ts';

/** A transaction item and what a failed condition on it means. */
export interface Guarded {
  item: TransactWriteItem;
  onFail: (reason: CancellationReason) => NewOrderOutcome | 'version-conflict';
}

/** What the order store lends the group transaction (passed in, so neither module imports the other). */
export interface GroupTransactionParts {
  table: string;
  idempotencyTtlSeconds: number;
  orderItem(order: Order): Record<string, unknown>;
  eventItem(event: OrderEvent): Record<string, unknown>;
  riskGuards(
    table: string,
    tenantId: string,
    reservation: RiskReservation,
    limits: CountingLimits,
    day: string,
    rate: { epochSecond: number } | undefined,
    orders: number,
  ): Guarded[];
  transact(guarded: Guarded[]): Promise<NewOrderOutcome | 'version-conflict'>;
}

/** Writes the group, or explains why not (a denial, a taken key or clientOrderId). */
export async function createOrderGroup(
  parts: GroupTransactionParts,
  write: NewGroupWrite,
): Promise<NewOrderOutcome> {
  const { orders, events, idempotency, risk } = write;
  const first = orders[0];
  if (!first) throw new Error('a group has at least one order');
  const { table, orderItem, eventItem, riskGuards } = parts;
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
            expiresAt: Math.floor(Date.parse(first.createdAt) / 1000) + parts.idempotencyTtlSeconds,
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
  const outcome = await parts.transact(guarded);
  if (outcome === 'version-conflict') throw new Error('unreachable: new orders have no version guard');
  return outcome;
}

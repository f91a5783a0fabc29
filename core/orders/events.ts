import * as z from 'zod';
import { ORDER_EVENT_TYPES, type OrderEventType } from './event-types.ts';
import type { Order, OrderView } from './order.ts';
import { orderView } from './order.ts';

export { ORDER_EVENT_TYPES, type OrderEventType };

/** Version of the event detail schema; bump it, and keep reading the old, when the shape changes. */
export const ORDER_EVENT_SCHEMA_VERSION = 1;

/** One entry of an order's audit trail. */
export interface OrderEvent {
  tenantId: string;
  orderId: string;
  seq: number;
  type: OrderEventType;
  at: string;
  /** Who caused it: `user:alice`, `apikey:01J…`, `broker`, `system:sweeper`. */
  actor: string;
  /** Why, when there is a reason (risk code, broker message). */
  reason?: string;
  data: Record<string, unknown>;
  /** The request id that placed the order, followed through queue, bridge, bus and webhooks. */
  correlationId?: string;
}

/** The event for a change that produced `order`; seq is the order's new version. */
export function orderEvent(
  order: Order,
  type: OrderEventType,
  actor: string,
  extra: { reason?: string; data?: Record<string, unknown> } = {},
): OrderEvent {
  return {
    tenantId: order.tenantId,
    orderId: order.id,
    seq: order.version,
    type,
    at: order.updatedAt,
    actor,
    ...(extra.reason ? { reason: extra.reason } : {}),
    data: { order: orderView(order), ...extra.data },
    ...(order.correlationId ? { correlationId: order.correlationId } : {}),
  };
}

/** The detail of an order event on the bus and in webhooks; consumers validate with this schema. */
export const OrderEventDetail = z.object({
  schemaVersion: z.literal(ORDER_EVENT_SCHEMA_VERSION),
  /** Stable across redeliveries: `<orderId>:<seq>`. */
  eventId: z.string(),
  type: z.enum(ORDER_EVENT_TYPES),
  tenantId: z.string(),
  orderId: z.string(),
  /** Per-order sequence number, so consumers can order what they receive. */
  seq: z.number().int().positive(),
  at: z.string(),
  actor: z.string(),
  reason: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
  correlationId: z.string().optional(),
});
export type OrderEventDetail = z.output<typeof OrderEventDetail>;

/** The bus detail for an audit event. */
export function orderEventDetail(event: OrderEvent): OrderEventDetail {
  return {
    schemaVersion: ORDER_EVENT_SCHEMA_VERSION,
    eventId: `${event.orderId}:${event.seq}`,
    type: event.type,
    tenantId: event.tenantId,
    orderId: event.orderId,
    seq: event.seq,
    at: event.at,
    actor: event.actor,
    ...(event.reason ? { reason: event.reason } : {}),
    data: event.data,
    ...(event.correlationId ? { correlationId: event.correlationId } : {}),
  };
}

/** The audit trail entry as GET /orders/{id}/events shows it. */
export function orderEventView(event: OrderEvent) {
  return {
    seq: event.seq,
    type: event.type,
    at: event.at,
    actor: event.actor,
    ...(event.reason ? { reason: event.reason } : {}),
    data: event.data as { order?: OrderView } & Record<string, unknown>,
  };
}

/**
 * Audit events of an order, past tense. Each is stored immutably under the order (seq = the
 * order's version after the change) and, through the outbox, published to the event bus.
 * The names live apart from the events' shapes: webhook filters need only the names, and a
 * Lambda bundle then holds no orders or decimals for them.
 */
export const ORDER_EVENT_TYPES = [
  'order.accepted',
  'order.rejected',
  // The bridge took the order and sent it to the broker under an IB order id; no status change yet.
  'order.routed',
  'order.cancel_requested',
  'order.replace_requested',
  'order.submitted',
  'order.partially_filled',
  'order.filled',
  'order.cancelled',
  'order.expired',
  'order.replaced',
  'order.cancel_refused',
  'order.replace_refused',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

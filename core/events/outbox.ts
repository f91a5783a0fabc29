import { orderEventDetail, type OrderEvent } from '../orders/events.ts';

/** What the drainer publishes for one outbox item: EventBridge `detail-type` and `detail`. */
export interface OutboxEntry {
  detailType: string;
  detail: Record<string, unknown>;
}

/**
 * The bus entry of an outbox item. Order audit items hold the `OrderEvent` fields; other events
 * (`webhook.disabled`) store their ready-made `detailType` and `detail`. Undefined for an item the
 * drainer cannot read, which it leaves in the outbox and reports.
 */
export function outboxEntry(item: Record<string, unknown>): OutboxEntry | undefined {
  if (typeof item.detailType === 'string' && isRecord(item.detail)) {
    return { detailType: item.detailType, detail: item.detail };
  }
  if (
    typeof item.type === 'string' &&
    typeof item.tenantId === 'string' &&
    typeof item.orderId === 'string' &&
    typeof item.seq === 'number' &&
    typeof item.at === 'string'
  ) {
    const event: OrderEvent = {
      tenantId: item.tenantId,
      orderId: item.orderId,
      seq: item.seq,
      type: item.type as OrderEvent['type'],
      at: item.at,
      actor: typeof item.actor === 'string' ? item.actor : 'unknown',
      ...(typeof item.reason === 'string' ? { reason: item.reason } : {}),
      data: isRecord(item.data) ? item.data : {},
      ...(typeof item.correlationId === 'string' ? { correlationId: item.correlationId } : {}),
    };
    return { detailType: event.type, detail: orderEventDetail(event) as unknown as Record<string, unknown> };
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

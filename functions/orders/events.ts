import { orderEventView } from '../../core/orders/events.ts';
import { getOrder } from '../../core/orders/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { orderDeps } from './deps.ts';

/** GET /api/v1/orders/{id}/events: the audit trail, oldest first. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('orders:read');
  const deps = orderDeps();
  const order = await getOrder(deps, caller, request.path('id'));
  const events = await deps.store.events(caller.tenantId, order.id);
  return json(200, { items: events.map(orderEventView) });
});

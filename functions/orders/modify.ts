import { orderView } from '../../core/orders/order.ts';
import { modifyOrder } from '../../core/orders/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { orderDeps } from './deps.ts';

/** PATCH /api/v1/orders/{id} → 202 with the order in pending_replace. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('orders:write');
  return json(202, orderView(await modifyOrder(orderDeps(), caller, request.path('id'), request.json())));
});

import { orderView } from '../../core/orders/order.ts';
import { cancelOrder } from '../../core/orders/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { orderDeps } from './deps.ts';

/** POST /api/v1/orders/{id}/cancel → 202 with the order in pending_cancel. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('orders:write');
  return json(202, orderView(await cancelOrder(orderDeps(), caller, request.path('id'))));
});

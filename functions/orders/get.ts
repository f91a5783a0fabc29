import { orderView } from '../../core/orders/order.ts';
import { getOrder } from '../../core/orders/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { orderDeps } from './deps.ts';

/** GET /api/v1/orders/{id} */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('orders:read');
  return json(200, orderView(await getOrder(orderDeps(), caller, request.path('id'))));
});

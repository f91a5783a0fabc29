import { orderView } from '../../core/orders/order.ts';
import { cancelAllOrders } from '../../core/orders/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { orderDeps } from './deps.ts';

/** POST /api/v1/orders/cancel-all: asks to cancel every working order of the tenant. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('orders:write');
  const result = await cancelAllOrders(orderDeps(), caller);
  return json(202, { items: result.cancelled.map(orderView), failed: result.failed });
});

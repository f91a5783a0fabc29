import { parseIdempotencyKey } from '../../core/orders/idempotency.ts';
import { placeOrder } from '../../core/orders/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { orderDeps } from './deps.ts';

/** POST /api/v1/orders */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('orders:write');
  const key = parseIdempotencyKey(request.header('idempotency-key'));
  const outcome = await placeOrder(orderDeps(), caller, key, request.json());
  return json(outcome.status, outcome.body);
});

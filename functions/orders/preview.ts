import { previewOrder } from '../../core/orders/preview.ts';
import { httpHandler, json } from '../shared/http.ts';
import { instrumentDeps } from '../instruments/deps.ts';
import { orderDeps } from './deps.ts';

/** POST /api/v1/orders/preview */
export const handler = httpHandler(async (request) => {
  // The placing scope: a preview spends the connection's broker pacing like an order does.
  const caller = request.authorized('orders:write');
  const deps = { ...orderDeps(), broker: instrumentDeps().broker };
  return json(200, await previewOrder(deps, caller, request.json()));
});

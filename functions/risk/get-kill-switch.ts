import { httpHandler, json } from '../shared/http.ts';
import { orderDeps } from '../orders/deps.ts';

/** GET /api/v1/risk/kill-switch */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('risk:read');
  return json(200, await orderDeps().store.killSwitch(caller.tenantId));
});

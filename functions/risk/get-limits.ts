import { riskLimitsView } from '../../core/risk/limits.ts';
import { httpHandler, json } from '../shared/http.ts';
import { orderDeps } from '../orders/deps.ts';

/** GET /api/v1/risk/limits */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('risk:read');
  return json(200, riskLimitsView(await orderDeps().store.riskLimits(caller.tenantId)));
});

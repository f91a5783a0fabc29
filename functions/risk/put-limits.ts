import { RiskLimits, riskLimitsView } from '../../core/risk/limits.ts';
import { httpHandler, json } from '../shared/http.ts';
import { orderDeps } from '../orders/deps.ts';

/** PUT /api/v1/risk/limits (admin): replaces the tenant's limits. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('risk:write');
  const limits = request.body(RiskLimits);
  await orderDeps().store.putRiskLimits(caller.tenantId, limits, caller.principal);
  return json(200, riskLimitsView(limits));
});

import { RiskLimits, riskLimitsView } from '../../core/risk/limits.ts';
import { httpHandler, json } from '../shared/http.ts';
import { orderDeps } from '../orders/deps.ts';
import { sourceIp, tenancyStore } from '../auth/services.ts';

/** PUT /api/v1/risk/limits (admin): replaces the tenant's limits. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('risk:write');
  const limits = request.body(RiskLimits);
  const store = orderDeps().store;
  const before = riskLimitsView(await store.riskLimits(caller.tenantId));
  await store.putRiskLimits(caller.tenantId, limits, caller.principal);
  const after = riskLimitsView(limits);
  await tenancyStore()
    .forTenant(caller.tenantId)
    .audit({
      type: 'risk.limits_changed',
      actor: caller.principal,
      sourceIp: sourceIp(request),
      data: { before, after },
    });
  return json(200, after);
});

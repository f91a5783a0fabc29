import { cancelAllOrders } from '../../core/orders/service.ts';
import { KillSwitchRequest } from '../../core/risk/limits.ts';
import { httpHandler, json } from '../shared/http.ts';
import { orderDeps } from '../orders/deps.ts';
import { sourceIp, tenancyStore } from '../auth/services.ts';

/** POST /api/v1/risk/kill-switch (admin): halts new orders, and by default cancels working ones. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('risk:write');
  const body = request.body(KillSwitchRequest);
  const deps = orderDeps();
  const state = {
    engaged: body.engaged,
    reason: body.reason,
    changedBy: caller.principal,
    changedAt: new Date().toISOString(),
  };
  const before = await deps.store.killSwitch(caller.tenantId);
  await deps.store.setKillSwitch(caller.tenantId, state);
  await tenancyStore()
    .forTenant(caller.tenantId)
    .audit({
      type: 'risk.kill_switch_changed',
      actor: caller.principal,
      sourceIp: sourceIp(request),
      data: { before, after: state },
    });
  const cancelled =
    body.engaged && body.cancelWorkingOrders ? (await cancelAllOrders(deps, caller)).cancelled.length : 0;
  return json(200, { ...state, cancelledOrders: cancelled });
});

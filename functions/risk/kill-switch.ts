import { cancelAllOrders } from '../../core/orders/service.ts';
import { KillSwitchRequest } from '../../core/risk/limits.ts';
import { httpHandler, json } from '../shared/http.ts';
import { orderDeps } from '../orders/deps.ts';

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
  await deps.store.setKillSwitch(caller.tenantId, state);
  const cancelled =
    body.engaged && body.cancelWorkingOrders ? (await cancelAllOrders(deps, caller)).cancelled.length : 0;
  return json(200, { ...state, cancelledOrders: cancelled });
});

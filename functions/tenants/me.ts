import { authorizeTenantMember } from '../../core/access/caller.ts';
import { httpHandler, json } from '../shared/http.ts';
import { tenancyStore } from '../auth/services.ts';

/** GET /api/v1/tenants/me: the caller's tenant, and who the caller is in it. */
export const handler = httpHandler(async (request) => {
  const caller = request.caller();
  authorizeTenantMember(caller);
  const tenant = await tenancyStore().forTenant(caller.tenantId).getTenant();
  return json(200, {
    ...tenant,
    caller: { principal: caller.principal, kind: caller.kind, roles: caller.roles, scopes: caller.scopes },
  });
});

import * as z from 'zod';
import { authorizeOperator } from '../../core/access/caller.ts';
import { cancelAllOrders } from '../../core/orders/service.ts';
import { TenantNotFoundError } from '../../core/tenancy/errors.ts';
import { setTenantStatus } from '../../core/tenancy/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { sourceIp, tenancyStore } from '../auth/services.ts';
import { orderDeps } from '../orders/deps.ts';

export const body = z.strictObject({
  status: z.enum(['active', 'suspended']),
  cancelWorkingOrders: z.boolean().optional(),
});

/** Tenant ids: lower-case letters and digits (the API key format relies on it). */
const TENANT_ID = /^[a-z0-9]{1,40}$/;

/** PATCH /api/v1/tenants/{id} (platform operator): suspend or reactivate a tenant. */
export const handler = httpHandler(async (request) => {
  const caller = request.caller();
  authorizeOperator(caller);
  const id = request.path('id');
  const input = request.body(body);
  if (!TENANT_ID.test(id)) throw new TenantNotFoundError(id);
  const tenant = await setTenantStatus(
    {
      store: tenancyStore(),
      cancelWorkingOrders: async (tenantId, actor) =>
        (await cancelAllOrders(orderDeps(), { tenantId, principal: actor })).cancelled.length,
    },
    {
      tenantId: id,
      status: input.status,
      cancelWorkingOrders: input.cancelWorkingOrders ?? false,
      actor: caller.principal,
      sourceIp: sourceIp(request),
    },
  );
  const { id: tenantId, name, status, createdAt, cancelledOrders } = tenant;
  return json(200, { id: tenantId, name, status, createdAt, cancelledOrders });
});

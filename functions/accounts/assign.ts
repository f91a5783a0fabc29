import * as z from 'zod';
import { accountIdSchema } from '../../core/connections/model.ts';
import { assignAccount } from '../../core/connections/service.ts';
import { TenantNotFoundError } from '../../core/tenancy/errors.ts';
import { authorizeOperator } from '../../core/access/caller.ts';
import { httpHandler, json } from '../shared/http.ts';
import { tenancyStore } from '../auth/services.ts';
import { connectionDeps } from '../connections/deps.ts';

export const body = z.strictObject({
  connectionId: z.string().min(1).max(40).meta({ example: 'c7k2m9x4p1q8z' }),
  account: accountIdSchema.meta({ example: 'DU7654321' }),
});

/** Tenant ids: lower-case letters and digits (as functions/tenants/update.ts). */
const TENANT_ID = /^[a-z0-9]{1,40}$/;

/** POST /api/v1/tenants/{id}/accounts (operator): one account of a shared connection to one tenant. */
export const handler = httpHandler(async (request) => {
  const caller = request.caller();
  authorizeOperator(caller);
  const tenantId = request.path('id');
  const input = request.body(body);
  if (!TENANT_ID.test(tenantId) || !(await tenancyStore().findTenant(tenantId)))
    throw new TenantNotFoundError(tenantId);
  return json(201, await assignAccount(connectionDeps(), caller, tenantId, input));
});

import * as z from 'zod';
import { authorizeOperator } from '../../core/access/caller.ts';
import { createTenant } from '../../core/tenancy/service.ts';
import { passwordSchema, usernameSchema } from '../../core/tenancy/model.ts';
import { httpHandler, json } from '../shared/http.ts';
import { identityProvider, sourceIp, tenancyStore } from '../auth/services.ts';

export const body = z.object({
  name: z.string().trim().min(1).max(200),
  admin: z.object({ username: usernameSchema, password: passwordSchema }),
});

/** POST /api/v1/tenants (platform operator): a tenant with its first admin. */
export const handler = httpHandler(async (request) => {
  const caller = request.caller();
  authorizeOperator(caller);
  const input = request.body(body);
  const { tenant, admin } = await createTenant(
    { identity: identityProvider(), store: tenancyStore() },
    { name: input.name, admin: input.admin, actor: caller.principal, sourceIp: sourceIp(request) },
  );
  return json(201, { ...tenant, admin: { username: admin.username, role: admin.role } });
});

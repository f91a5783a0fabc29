import * as z from 'zod';
import { roleSchema, usernameSchema } from '../../core/tenancy/model.ts';
import { UserNotFoundError } from '../../core/tenancy/errors.ts';
import { updateUser } from '../../core/tenancy/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { identityProvider, sourceIp, tenancyStore } from '../auth/services.ts';

export const body = z
  .object({ role: roleSchema.optional(), status: z.enum(['active', 'disabled']).optional() })
  .refine((b) => b.role !== undefined || b.status !== undefined, 'send role or status');

/** PATCH /api/v1/users/{username} (tenant admin): change a role or disable a user. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('users:write');
  const username = request.path('username');
  const change = request.body(body);
  if (!usernameSchema.safeParse(username).success) throw new UserNotFoundError(username);
  const user = await updateUser(
    { identity: identityProvider(), tenant: tenancyStore().forTenant(caller.tenantId) },
    { username, change, actor: caller.principal, sourceIp: sourceIp(request), grantor: caller },
  );
  return json(200, user);
});

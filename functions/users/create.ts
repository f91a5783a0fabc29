import * as z from 'zod';
import { createUser } from '../../core/tenancy/service.ts';
import { passwordSchema, roleSchema, usernameSchema } from '../../core/tenancy/model.ts';
import { httpHandler, json } from '../shared/http.ts';
import { identityProvider, rateLimiter, sourceIp, tenancyStore } from '../auth/services.ts';

export const body = z.object({ username: usernameSchema, password: passwordSchema, role: roleSchema });

/** How often a tenant may hear "username taken" (a name exists on the platform) per hour. */
const USERNAME_CONFLICTS = { policy: 'username-taken', limit: 20, windowSeconds: 3600 };

/** POST /api/v1/users (tenant admin): a user of the caller's tenant. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('users:write');
  const input = request.body(body);
  const user = await createUser(
    {
      identity: identityProvider(),
      tenant: tenancyStore().forTenant(caller.tenantId),
      conflicts: { limiter: rateLimiter(), limit: USERNAME_CONFLICTS },
    },
    { ...input, actor: caller.principal, sourceIp: sourceIp(request), grantor: caller },
  );
  return json(201, user);
});

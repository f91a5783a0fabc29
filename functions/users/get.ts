import { usernameSchema } from '../../core/tenancy/model.ts';
import { UserNotFoundError } from '../../core/tenancy/errors.ts';
import { httpHandler, json } from '../shared/http.ts';
import { tenancyStore } from '../auth/services.ts';

/** GET /api/v1/users/{username} (tenant admin). */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('users:read');
  const username = request.path('username');
  if (!usernameSchema.safeParse(username).success) throw new UserNotFoundError(username);
  return json(200, await tenancyStore().forTenant(caller.tenantId).getUser(username));
});

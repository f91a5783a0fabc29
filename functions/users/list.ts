import { httpHandler, json } from '../shared/http.ts';
import { pageQuery, tenancyStore } from '../auth/services.ts';

/** GET /api/v1/users (tenant admin): the tenant's users. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('users:read');
  const query = request.query(pageQuery);
  return json(200, await tenancyStore().forTenant(caller.tenantId).listUsers(query.limit, query.cursor));
});

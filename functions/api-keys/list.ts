import { httpHandler, json } from '../shared/http.ts';
import { pageQuery, tenancyStore } from '../auth/services.ts';

/** GET /api/v1/api-keys: the tenant's keys, without their values. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('api-keys:read');
  const query = request.query(pageQuery);
  return json(200, await tenancyStore().forTenant(caller.tenantId).listApiKeys(query.limit, query.cursor));
});

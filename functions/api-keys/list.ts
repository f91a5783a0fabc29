import { httpHandler, json } from '../shared/http.ts';
import { pageQuery, tenancyStore } from '../auth/services.ts';
import { withPowers } from './powers.ts';

/** GET /api/v1/api-keys: the tenant's keys, without their values, with what each may do now. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('api-keys:read');
  const query = request.query(pageQuery);
  const page = await tenancyStore().forTenant(caller.tenantId).listApiKeys(query.limit, query.cursor);
  return json(200, { ...page, items: await withPowers(caller.tenantId, page.items) });
});

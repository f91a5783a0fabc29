import { authorizeOperator } from '../../core/access/caller.ts';
import { httpHandler, json } from '../shared/http.ts';
import { pageQuery, tenancyStore } from '../auth/services.ts';

/** GET /api/v1/tenants (platform operator): every tenant, oldest first. */
export const handler = httpHandler(async (request) => {
  authorizeOperator(request.caller());
  const query = request.query(pageQuery);
  const page = await tenancyStore().listTenants(query.limit, query.cursor);
  return json(200, {
    items: page.items.map(({ id, name, status, createdAt }) => ({ id, name, status, createdAt })),
    nextCursor: page.nextCursor,
  });
});

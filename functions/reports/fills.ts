import { FillsQuery, fillView } from '../../core/reports/model.ts';
import { httpHandler, json } from '../shared/http.ts';
import { reportDeps } from './deps.ts';

/** GET /api/v1/fills: the tenant's executions, filtered by symbol, account and time, a page at a time. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('orders:read');
  const query = request.query(FillsQuery);
  const page = await reportDeps().fills.list(caller.tenantId, query);
  return json(200, {
    items: page.items.map(fillView),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  });
});

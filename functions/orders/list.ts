import { orderView } from '../../core/orders/order.ts';
import { httpHandler, json } from '../shared/http.ts';
import { orderDeps } from './deps.ts';
import { ListOrdersQuery } from './schemas.ts';

/** GET /api/v1/orders, newest first. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('orders:read');
  const q = request.query(ListOrdersQuery);
  const page = await orderDeps().store.list(caller.tenantId, {
    limit: q.limit,
    ...(q.status ? { status: q.status } : {}),
    ...(q.symbol ? { symbol: q.symbol } : {}),
    ...(q.side ? { side: q.side } : {}),
    ...(q.from !== undefined ? { fromMs: q.from } : {}),
    ...(q.to !== undefined ? { toMs: q.to } : {}),
    ...(q.cursor ? { cursor: q.cursor } : {}),
  });
  return json(200, { items: page.items.map(orderView), nextCursor: page.nextCursor ?? null });
});

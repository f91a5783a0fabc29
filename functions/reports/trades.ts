import type { Order } from '../../core/orders/order.ts';
import { TradesQuery, fillMatches, tradeRow, tradesCsv } from '../../core/reports/model.ts';
import { httpHandler, json } from '../shared/http.ts';
import { reportDeps } from './deps.ts';

/** Orders read side by side, a few at a time. */
const ORDER_READS_AT_ONCE = 16;

/**
 * GET /api/v1/reports/trades: the blotter, one row per fill with its order's fields, oldest
 * first; `format=csv` answers text/csv with a header row. The range is read in pages internally
 * (API Gateway and the local gateway return whole bodies).
 */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('orders:read');
  const query = request.query(TradesQuery);
  const deps = reportDeps();
  const fills = (await deps.fills.all(caller.tenantId))
    .filter((f) => fillMatches(f, query))
    .sort((a, b) => a.at.localeCompare(b.at) || a.execId.localeCompare(b.execId));
  const ids = [...new Set(fills.map((f) => f.orderId))];
  const orders = new Map<string, Order>();
  for (let i = 0; i < ids.length; i += ORDER_READS_AT_ONCE) {
    const batch = ids.slice(i, i + ORDER_READS_AT_ONCE);
    const read = await Promise.all(batch.map((id) => deps.orders.get(caller.tenantId, id)));
    read.forEach((order, j) => order && orders.set(batch[j] as string, order));
  }
  const rows = fills.map((f) => tradeRow(f, orders.get(f.orderId)));
  if (query.format === 'csv') {
    return {
      status: 200,
      body: tradesCsv(rows),
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="trades.csv"',
      },
    };
  }
  return json(200, { items: rows });
});

import { PnlHistoryQuery, pnlHistory } from '../../core/reports/model.ts';
import { reportDeps } from '../reports/deps.ts';
import { httpHandler, json } from '../shared/http.ts';

/**
 * GET /api/v1/pnl/history: a row per trading day with fills in range: realized P&L (net of
 * commissions), unrealized P&L at the day's end, commissions and fill count, from the fills.
 */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('positions:read');
  const query = request.query(PnlHistoryQuery);
  const fills = (await reportDeps().fills.all(caller.tenantId)).filter(
    (f) => !query.account || f.account === query.account,
  );
  return json(200, { items: pnlHistory(fills, query) });
});

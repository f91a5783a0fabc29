import { pnlToday } from '../../core/positions/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { positionDeps } from '../positions/deps.ts';
import { AccountQuery } from '../positions/list.ts';

/**
 * GET /api/v1/pnl/today: realized P&L and commissions of the tenant's trading day (UTC) from the
 * store, unrealized P&L of its open positions marked to the latest cached quotes.
 */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('positions:read');
  const { account } = request.query(AccountQuery);
  return json(200, await pnlToday(positionDeps(), caller.tenantId, new Date(), account));
});

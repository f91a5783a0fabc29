import { listSubscriptions } from '../../core/marketdata/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { marketDataDeps } from './deps.ts';

/** GET /api/v1/marketdata/subscriptions */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('marketdata:read');
  return json(200, { items: await listSubscriptions(marketDataDeps(), caller.tenantId) });
});

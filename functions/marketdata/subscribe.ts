import { SubscribeRequest } from '../../core/marketdata/schemas.ts';
import { subscribe } from '../../core/marketdata/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { marketDataConnection, marketDataDeps } from './deps.ts';

/** POST /api/v1/marketdata/subscriptions */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('marketdata:write');
  const { symbols } = request.body(SubscribeRequest);
  const result = await subscribe(
    marketDataDeps(await marketDataConnection(caller.tenantId)),
    caller,
    symbols,
  );
  return json(result.added.length > 0 ? 201 : 200, result);
});

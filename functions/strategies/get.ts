import { strategyView } from '../../core/strategies/model.ts';
import { getStrategy } from '../../core/strategies/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { storeDeps } from './store.ts';

/** GET /api/v1/strategies/{id}: status, failure and stats. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('strategies:read');
  return json(200, strategyView(await getStrategy(storeDeps(), caller, request.path('id'))));
});

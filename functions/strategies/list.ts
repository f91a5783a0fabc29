import { strategyView } from '../../core/strategies/model.ts';
import { httpHandler, json } from '../shared/http.ts';
import { storeDeps } from './store.ts';

/** GET /api/v1/strategies */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('strategies:read');
  const items = await storeDeps().store.list(caller.tenantId);
  return json(200, { items: items.map(strategyView) });
});

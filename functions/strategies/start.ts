import { startStrategy } from '../../core/strategies/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { storeDeps } from './store.ts';

/** POST /api/v1/strategies/{id}/start */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('strategies:write');
  return json(200, await startStrategy(storeDeps(), caller, request.path('id')));
});

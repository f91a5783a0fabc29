import { stopStrategy } from '../../core/strategies/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { storeDeps } from './store.ts';

/** POST /api/v1/strategies/{id}/stop */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('strategies:write');
  return json(200, await stopStrategy(storeDeps(), caller, request.path('id')));
});

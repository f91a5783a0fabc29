import { startStrategy } from '../../core/strategies/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { strategyDeps } from './deps.ts';

/** POST /api/v1/strategies/{id}/start */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('strategies:write');
  return json(200, await startStrategy(strategyDeps(), caller, request.path('id')));
});

import { updateStrategy } from '../../core/strategies/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { strategyDeps } from './deps.ts';

/** PUT /api/v1/strategies/{id}: a new version (source) and/or new params, symbols, name. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('strategies:write');
  return json(200, await updateStrategy(strategyDeps(), caller, request.path('id'), request.json()));
});

import { createStrategy } from '../../core/strategies/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { strategyDeps } from './deps.ts';

/** POST /api/v1/strategies */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('strategies:write');
  return json(201, await createStrategy(strategyDeps(), caller, request.json()));
});

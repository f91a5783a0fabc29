import { backtestStrategy } from '../../core/strategies/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { backtestDeps } from './deps.ts';

/** POST /api/v1/strategies/{id}/backtests: runs to the end before answering, within the request. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('strategies:write');
  return json(202, await backtestStrategy(backtestDeps(), caller, request.path('id'), request.json()));
});

import { queueBacktest } from '../../core/strategies/backtests.ts';
import { httpHandler, json } from '../shared/http.ts';
import { queueBacktestDeps } from './deps.ts';

/** POST /api/v1/strategies/{id}/backtests: stores the backtest queued for its worker; poll GET /backtests/{id}. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('strategies:write');
  return json(202, await queueBacktest(queueBacktestDeps(), caller, request.path('id'), request.json()));
});

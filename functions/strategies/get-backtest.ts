import { backtestView } from '../../core/strategies/backtest-model.ts';
import { getBacktest } from '../../core/strategies/backtests.ts';
import { httpHandler, json } from '../shared/http.ts';
import { storeDeps } from './store.ts';

/** GET /api/v1/backtests/{id} */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('strategies:read');
  return json(200, backtestView(await getBacktest(storeDeps(), caller, request.path('id'))));
});

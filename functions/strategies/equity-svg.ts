import { equitySvg } from '../../core/strategies/equity-svg.ts';
import { getBacktest } from '../../core/strategies/backtests.ts';
import { httpHandler } from '../shared/http.ts';
import { storeDeps } from './store.ts';

/** GET /api/v1/backtests/{id}/equity.svg */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('strategies:read');
  const backtest = await getBacktest(storeDeps(), caller, request.path('id'));
  const title = `Equity of backtest ${backtest.id} (strategy ${backtest.strategyId} v${backtest.version})`;
  return {
    status: 200,
    body: equitySvg(backtest.equity, title),
    headers: { 'content-type': 'image/svg+xml' },
  };
});

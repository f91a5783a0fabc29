/** What the API reference says about the strategy and backtest routes (merged into functions/docs/catalog.ts). */
import * as z from 'zod';
import { BacktestRequest } from '../../core/strategies/backtest-model.ts';
import { CreateStrategyRequest, UpdateStrategyRequest } from '../../core/strategies/model.ts';

const ok = (description: string, status = 200) => ({ status, description });
const tag = 'strategies';

export const strategyDocs: Record<
  string,
  {
    operationId: string;
    summary: string;
    tag: string;
    description?: string;
    body?: z.ZodType;
    query?: z.ZodType;
    success: { status: number; description: string };
  }
> = {
  'POST /api/v1/strategies': {
    operationId: 'createStrategy',
    summary: 'Upload a strategy',
    tag,
    description:
      'TypeScript or JavaScript, compiled at upload; a compile error is a 422 STRATEGY_COMPILE_ERROR with `errors: [{ line, column, message }]`. See docs/strategies.md.',
    body: CreateStrategyRequest,
    success: ok('The strategy, stopped, at version 1', 201),
  },
  'GET /api/v1/strategies': {
    operationId: 'listStrategies',
    summary: 'List strategies',
    tag,
    success: ok('The tenant’s strategies'),
  },
  'GET /api/v1/strategies/{id}': {
    operationId: 'getStrategy',
    summary: 'A strategy',
    tag,
    description: 'Status (`running`, `stopped`, `failed` with `failure: { code, detail }`) and stats.',
    success: ok('The strategy'),
  },
  'PUT /api/v1/strategies/{id}': {
    operationId: 'updateStrategy',
    summary: 'Upload a new version, or change params and symbols',
    tag,
    body: UpdateStrategyRequest,
    success: ok('The strategy'),
  },
  'POST /api/v1/strategies/{id}/start': {
    operationId: 'startStrategy',
    summary: 'Start a strategy',
    tag,
    success: ok('Running'),
  },
  'POST /api/v1/strategies/{id}/stop': {
    operationId: 'stopStrategy',
    summary: 'Stop a strategy',
    tag,
    success: ok('Stopped'),
  },
  'GET /api/v1/strategies/{id}/logs': {
    operationId: 'listStrategyLogs',
    summary: 'Strategy logs, newest first',
    tag,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }),
    success: ok('Log lines'),
  },
  'GET /api/v1/strategies/{id}/versions': {
    operationId: 'listStrategyVersions',
    summary: 'Uploaded versions',
    tag,
    success: ok('Versions'),
  },
  'POST /api/v1/strategies/{id}/backtests': {
    operationId: 'runBacktest',
    summary: 'Backtest the current version',
    tag,
    description:
      'Runs the same compiled module over uploaded bars, or the broker connection’s historical bars, with the fill model of docs/strategies.md.',
    body: BacktestRequest,
    success: ok('The backtest id and status', 202),
  },
  'GET /api/v1/backtests/{id}': {
    operationId: 'getBacktest',
    summary: 'A backtest',
    tag,
    description:
      'Trades, equity curve and statistics (pnl, returnPct, maxDrawdownPct, sharpe, trades, winRate, exposure).',
    success: ok('The backtest'),
  },
  'GET /api/v1/backtests/{id}/equity.svg': {
    operationId: 'getBacktestEquityChart',
    summary: 'The equity curve as SVG',
    tag,
    success: ok('image/svg+xml'),
  },
};

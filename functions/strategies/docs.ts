/** What the API reference says about the strategy and backtest routes (merged into functions/docs/catalog.ts). */
import * as z from 'zod';
import { BACKTEST_STATUSES, BacktestRequest } from '../../core/strategies/backtest-model.ts';
import {
  CreateStrategyRequest,
  STRATEGY_STATUSES,
  UpdateStrategyRequest,
} from '../../core/strategies/model.ts';

const ok = (description: string, schema?: z.ZodType, status = 200) => ({
  status,
  description,
  ...(schema ? { schema } : {}),
});

const Strategy = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.number().int(),
    params: z.record(z.string(), z.unknown()),
    symbols: z.array(z.string()),
    account: z.string().nullable(),
    status: z.enum(STRATEGY_STATUSES),
    failure: z.object({ code: z.string(), detail: z.string(), at: z.string() }).optional(),
    stats: z.object({ events: z.number().int(), orders: z.number().int(), cpuMs: z.number() }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Strategy' });
const StrategyList = z.object({ items: z.array(Strategy) }).meta({ id: 'StrategyList' });
const StrategyLogs = z
  .object({
    items: z.array(
      z.object({ at: z.string(), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
    ),
  })
  .meta({ id: 'StrategyLogs' });
const StrategyVersions = z
  .object({ items: z.array(z.object({ version: z.number().int(), createdAt: z.string() })) })
  .meta({ id: 'StrategyVersions' });
const backtestStatus = z.enum(BACKTEST_STATUSES);
const BacktestAccepted = z
  .object({ id: z.string(), status: backtestStatus })
  .meta({ id: 'BacktestAccepted' });
const Backtest = z
  .object({
    id: z.string(),
    strategyId: z.string(),
    version: z.number().int(),
    status: backtestStatus,
    failure: z.object({ code: z.string(), detail: z.string() }).optional(),
    request: z.object({
      from: z.string(),
      to: z.string(),
      barSize: z.string(),
      symbols: z.array(z.string()),
      initialCash: z.string(),
      commissionPerShare: z.string(),
      slippageTicks: z.number().int(),
      bars: z.number().int(),
    }),
    trades: z.array(z.record(z.string(), z.unknown())),
    equity: z.array(z.object({ at: z.string(), value: z.string() })),
    stats: z
      .object({
        pnl: z.string(),
        returnPct: z.number(),
        maxDrawdownPct: z.number(),
        sharpe: z.number(),
        trades: z.number().int(),
        winRate: z.number(),
        exposure: z.number(),
      })
      .nullable(),
    logs: z.array(z.object({ at: z.string(), level: z.string(), message: z.string() })),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Backtest' });
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
    success: { status: number; description: string; schema?: z.ZodType; contentType?: string };
  }
> = {
  'POST /api/v1/strategies': {
    operationId: 'createStrategy',
    summary: 'Upload a strategy',
    tag,
    description:
      'TypeScript or JavaScript, compiled at upload; a compile error is a 422 STRATEGY_COMPILE_ERROR with `errors: [{ line, column, message }]`. See docs/strategies.md.',
    body: CreateStrategyRequest,
    success: ok('The strategy, stopped, at version 1', Strategy, 201),
  },
  'GET /api/v1/strategies': {
    operationId: 'listStrategies',
    summary: 'List strategies',
    tag,
    success: ok('The tenant’s strategies', StrategyList),
  },
  'GET /api/v1/strategies/{id}': {
    operationId: 'getStrategy',
    summary: 'A strategy',
    tag,
    description: 'Status (`running`, `stopped`, `failed` with `failure: { code, detail }`) and stats.',
    success: ok('The strategy', Strategy),
  },
  'PUT /api/v1/strategies/{id}': {
    operationId: 'updateStrategy',
    summary: 'Upload a new version, or change params and symbols',
    tag,
    body: UpdateStrategyRequest,
    success: ok('The strategy', Strategy),
  },
  'POST /api/v1/strategies/{id}/start': {
    operationId: 'startStrategy',
    summary: 'Start a strategy',
    tag,
    success: ok('Running', Strategy),
  },
  'POST /api/v1/strategies/{id}/stop': {
    operationId: 'stopStrategy',
    summary: 'Stop a strategy',
    tag,
    success: ok('Stopped', Strategy),
  },
  'GET /api/v1/strategies/{id}/logs': {
    operationId: 'listStrategyLogs',
    summary: 'Strategy logs, newest first',
    tag,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }),
    success: ok('Log lines', StrategyLogs),
  },
  'GET /api/v1/strategies/{id}/versions': {
    operationId: 'listStrategyVersions',
    summary: 'Uploaded versions',
    tag,
    success: ok('Versions', StrategyVersions),
  },
  'POST /api/v1/strategies/{id}/backtests': {
    operationId: 'runBacktest',
    summary: 'Backtest the current version',
    tag,
    description:
      'Queues a run of the same compiled module over uploaded bars, or the broker connection’s historical bars, with the fill model of docs/strategies.md. The answer comes at once with status `queued`; a worker runs the backtest (`running`, then `done` or `failed`): poll `GET /api/v1/backtests/{id}`.',
    body: BacktestRequest,
    success: ok('The backtest id and status', BacktestAccepted, 202),
  },
  'GET /api/v1/backtests/{id}': {
    operationId: 'getBacktest',
    summary: 'A backtest',
    tag,
    description:
      'Its status (`queued`, `running`, `done`, `failed` with `failure`); once done, trades, equity curve and statistics (pnl, returnPct, maxDrawdownPct, sharpe, trades, winRate, exposure).',
    success: ok('The backtest', Backtest),
  },
  'GET /api/v1/backtests/{id}/equity.svg': {
    operationId: 'getBacktestEquityChart',
    summary: 'The equity curve as SVG',
    tag,
    success: {
      status: 200,
      description: 'The equity curve',
      schema: z.string(),
      contentType: 'image/svg+xml',
    },
  },
};

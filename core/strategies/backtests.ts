/**
 * The backtest use cases: the request stores a queued backtest and hands it to a worker, which
 * runs it outside the request; the caller polls GET /backtests/{id}.
 */
import { ulid } from 'ulid';
import { ValidationError } from '../errors.ts';
import { Dec } from '../money.ts';
import type { Actor } from '../orders/service.ts';
import { runBacktest } from './backtest.ts';
import { BacktestRequest, outcomeRecord, uploadedBars, type Backtest } from './backtest-model.ts';
import { BacktestNotFoundError, BarsUnavailableError, StrategyNotFoundError } from './errors.ts';
import type { Bar } from './fills.ts';
import type {
  BacktestBarStore,
  BacktestJob,
  BacktestQueue,
  BarSource,
  RunnerFactory,
  StrategyStore,
} from './ports.ts';
import { getStrategy, nowIso, parse, ULID } from './service.ts';
import { BAR_SIZES, type BarSize } from './stats.ts';

export interface QueueBacktestDeps {
  store: StrategyStore;
  bars: BacktestBarStore;
  queue: BacktestQueue;
  /** Whether the workers can fetch bars from the broker, for requests that upload none. */
  history: boolean;
  now?: () => Date;
}

export interface RunBacktestDeps {
  store: StrategyStore;
  bars: BacktestBarStore;
  load: RunnerFactory;
  /** Bars from the tenant's broker connection, for requests that upload none. */
  history?: BarSource;
  /** True once the worker must stop and record what it has (its own time is running out). */
  shouldStop?: () => boolean;
  now?: () => Date;
}

/** Stored results are capped to fit one item; statistics always cover the whole run. */
const STORED_EQUITY_POINTS = 3000;
const STORED_TRADES = 500;

/**
 * POST /strategies/{id}/backtests: checks the request, stores the backtest `queued` (with the
 * uploaded bars beside it) and queues it. The current version and params are fixed now.
 */
export async function queueBacktest(
  deps: QueueBacktestDeps,
  actor: Actor,
  id: string,
  body: unknown,
): Promise<{ id: string; status: Backtest['status'] }> {
  const request = parse(BacktestRequest, body, 'backtest');
  const strategy = await getStrategy(deps, actor, id);
  const symbols = request.symbols ?? strategy.symbols;
  if (symbols.length === 0)
    throw new ValidationError('Name the symbols to test', [{ path: 'body.symbols', message: 'required' }]);
  const bars = request.bars ? uploadedBars(request, symbols) : undefined;
  if (bars?.length === 0) throw new BarsUnavailableError(`No bars for ${symbols.join(', ')} in the range`);
  if (!bars && !deps.history)
    throw new BarsUnavailableError('No broker connection serves historical bars here; upload bars');
  if (!(await deps.store.getVersion(actor.tenantId, id, strategy.version)))
    throw new StrategyNotFoundError(id);
  const record: Backtest = {
    id: ulid(),
    tenantId: actor.tenantId,
    strategyId: id,
    version: strategy.version,
    status: 'queued',
    params: strategy.params,
    uploaded: bars !== undefined,
    request: {
      from: request.from,
      to: request.to,
      barSize: request.barSize,
      symbols,
      initialCash: request.initialCash.toFixed(),
      commissionPerShare: request.commissionPerShare.toFixed(),
      slippageTicks: request.slippageTicks,
      bars: bars?.length ?? 0,
    },
    trades: [],
    equity: [],
    logs: [],
    createdAt: nowIso(deps),
  };
  if (bars) await deps.bars.put(actor.tenantId, record.id, bars);
  await deps.store.putBacktest(record);
  try {
    await deps.queue.send({ tenantId: actor.tenantId, backtestId: record.id });
  } catch (error) {
    // Nothing will run it: say so in the record rather than leave it queued for ever.
    await deps.store.putBacktest({
      ...record,
      status: 'failed',
      failure: { code: 'BACKTEST_NOT_QUEUED', detail: 'the backtest could not be queued; ask again' },
      finishedAt: nowIso(deps),
    });
    throw error;
  }
  return { id: record.id, status: record.status };
}

/**
 * The worker: runs a queued (or interrupted) backtest and stores its result. A backtest that is
 * already done or failed is left alone, so a redelivered message changes nothing; a strategy's
 * failure, or bars the broker cannot give, end it `failed` with the reason.
 */
export async function runQueuedBacktest(
  deps: RunBacktestDeps,
  job: BacktestJob,
): Promise<Backtest | undefined> {
  const queued = await deps.store.getBacktest(job.tenantId, job.backtestId);
  if (!queued || queued.status === 'done' || queued.status === 'failed') return queued;
  const running: Backtest = { ...queued, status: 'running', startedAt: nowIso(deps) };
  await deps.store.putBacktest(running);
  const finish = async (result: Partial<Backtest>) => {
    const record: Backtest = { ...running, ...result, finishedAt: nowIso(deps) };
    await deps.store.putBacktest(record);
    return record;
  };

  const version = await deps.store.getVersion(queued.tenantId, queued.strategyId, queued.version);
  if (!version)
    return finish({
      status: 'failed',
      failure: { code: 'STRATEGY_NOT_FOUND', detail: `version ${queued.version} is gone` },
    });
  let bars: Bar[];
  try {
    bars = await barsOf(deps, queued);
  } catch (error) {
    if (!(error instanceof BarsUnavailableError)) throw error;
    return finish({ status: 'failed', failure: { code: error.code, detail: error.message } });
  }
  const runner = await deps.load(version.compiled);
  if ('failure' in runner) return finish({ status: 'failed', failure: runner.failure });
  try {
    const outcome = await runBacktest(runner, bars, {
      strategyId: queued.strategyId,
      version: queued.version,
      params: queued.params ?? {},
      barSize: barSizeOf(queued.request.barSize),
      initialCash: decimal(queued.request.initialCash),
      commissionPerShare: decimal(queued.request.commissionPerShare),
      slippageTicks: queued.request.slippageTicks,
      ...(deps.shouldStop ? { shouldStop: deps.shouldStop } : {}),
    });
    const result = outcomeRecord(outcome);
    return await finish({
      ...result,
      request: { ...queued.request, bars: bars.length },
      equity: downsample(result.equity, STORED_EQUITY_POINTS),
      trades: result.trades.slice(0, STORED_TRADES),
    });
  } finally {
    runner.dispose();
  }
}

async function barsOf(deps: RunBacktestDeps, backtest: Backtest): Promise<Bar[]> {
  const { request } = backtest;
  const bars = backtest.uploaded
    ? await deps.bars.get(backtest.tenantId, backtest.id)
    : deps.history
      ? await deps.history.bars({
          symbols: request.symbols,
          from: request.from,
          to: request.to,
          barSize: barSizeOf(request.barSize),
        })
      : undefined;
  if (!bars) throw new BarsUnavailableError('No broker connection serves historical bars here; upload bars');
  if (bars.length === 0)
    throw new BarsUnavailableError(`No bars for ${request.symbols.join(', ')} in the range`);
  return bars;
}

function barSizeOf(value: string): BarSize {
  const size = BAR_SIZES.find((s) => s === value);
  if (!size) throw new BarsUnavailableError(`Unknown bar size ${value}`);
  return size;
}

const decimal = (value: string) => new Dec(value);

/** At most `max` points, evenly spaced, always keeping the last. */
export function downsample<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const step = points.length / (max - 1);
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(points[Math.floor(i * step)] as T);
  out.push(points.at(-1) as T);
  return out;
}

/** A backtest of the caller's tenant, or 404. */
export async function getBacktest(
  deps: { store: StrategyStore },
  actor: Actor,
  id: string,
): Promise<Backtest> {
  const backtest = ULID.test(id) ? await deps.store.getBacktest(actor.tenantId, id) : undefined;
  if (!backtest) throw new BacktestNotFoundError(id);
  return backtest;
}

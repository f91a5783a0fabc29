import * as z from 'zod';
import { Dec, formatDecimal } from '../money.ts';
import { decimalField, symbolField } from '../orders/order.ts';
import type { BacktestOutcome } from './backtest.ts';
import type { Bar } from './fills.ts';
import { BAR_SIZES, type BacktestStats } from './stats.ts';

/** Bars a backtest may run over: enough for a year of 1-minute bars of one symbol. */
export const MAX_BARS = 100_000;

const isoTime = z.iso.datetime({ offset: true });

const positiveDecimal = (what: string) =>
  decimalField(what).refine((d) => d.gt(0), `${what} must be greater than 0`);

/** A bar as uploaded with a backtest request. */
export const BarInput = z
  .strictObject({
    symbol: symbolField.optional(),
    time: isoTime,
    open: positiveDecimal('open'),
    high: positiveDecimal('high'),
    low: positiveDecimal('low'),
    close: positiveDecimal('close'),
    volume: decimalField('volume').optional(),
  })
  .refine((b) => b.high.gte(Dec.max(b.open, b.close, b.low)) && b.low.lte(Dec.min(b.open, b.close)), {
    message: 'a bar needs low ≤ open, close ≤ high',
  });

/** The body of POST /strategies/{id}/backtests. */
export const BacktestRequest = z
  .strictObject({
    from: isoTime,
    to: isoTime,
    barSize: z.enum(BAR_SIZES),
    symbols: z.array(symbolField).min(1).max(20).optional(),
    initialCash: positiveDecimal('initialCash'),
    commissionPerShare: decimalField('commissionPerShare')
      .refine((d) => d.gte(0), 'commissionPerShare must not be negative')
      .default(new Dec(0)),
    slippageTicks: z.number().int().min(0).max(100).default(0),
    /** Bars to run over; without them the bars come from the tenant's broker connection. */
    bars: z.array(BarInput).min(1).max(MAX_BARS).optional(),
  })
  .refine((r) => r.from < r.to, { message: 'from must be before to', path: ['from'] })
  .meta({ id: 'BacktestRequest' });
export type BacktestRequest = z.output<typeof BacktestRequest>;

/** Uploaded bars inside [from, to) of the wanted symbols; a bar without a symbol is the first symbol's. */
export function uploadedBars(request: BacktestRequest, symbols: string[]): Bar[] {
  const from = Date.parse(request.from);
  const to = Date.parse(request.to);
  const wanted = new Set(symbols);
  return (request.bars ?? [])
    .map((b) => ({
      symbol: b.symbol ?? symbols[0] ?? '',
      time: new Date(b.time).toISOString(),
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      volume: b.volume ?? new Dec(0),
    }))
    .filter((b) => wanted.has(b.symbol) && Date.parse(b.time) >= from && Date.parse(b.time) < to);
}

/** Queued at the request, running once its worker took it, then done or failed. */
export const BACKTEST_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

/** A stored backtest. */
export interface Backtest {
  id: string;
  tenantId: string;
  strategyId: string;
  version: number;
  status: (typeof BACKTEST_STATUSES)[number];
  /** The strategy's params when the backtest was asked for: a later PUT does not change the run. */
  params?: Record<string, unknown>;
  /** Whether the bars came with the request (stored apart) or come from the broker at run time. */
  uploaded?: boolean;
  startedAt?: string;
  request: {
    from: string;
    to: string;
    barSize: string;
    symbols: string[];
    initialCash: string;
    commissionPerShare: string;
    slippageTicks: number;
    bars: number;
  };
  failure?: { code: string; detail: string };
  trades: Array<Record<string, unknown>>;
  equity: Array<{ at: string; value: string }>;
  stats?: BacktestStats;
  logs: Array<{ at: string; level: string; message: string }>;
  createdAt: string;
  finishedAt?: string;
}

/** The outcome in the stored (and served) JSON shape: decimals as strings. */
export function outcomeRecord(
  outcome: BacktestOutcome,
): Pick<Backtest, 'status' | 'failure' | 'trades' | 'equity' | 'stats' | 'logs'> {
  return {
    status: outcome.status,
    ...(outcome.failure ? { failure: outcome.failure } : {}),
    trades: outcome.trades.map((t) => ({
      symbol: t.symbol,
      side: t.side,
      quantity: formatDecimal(t.quantity),
      entryAt: t.entryAt,
      entryPrice: formatDecimal(t.entryPrice),
      exitAt: t.exitAt,
      exitPrice: formatDecimal(t.exitPrice),
      commission: formatDecimal(t.commission),
      pnl: formatDecimal(t.pnl),
    })),
    equity: outcome.equity.map((p) => ({ at: p.at, value: formatDecimal(p.value) })),
    stats: outcome.stats,
    logs: outcome.logs,
  };
}

/** The backtest as GET /backtests/{id} shows it. */
export function backtestView(b: Backtest) {
  return {
    id: b.id,
    strategyId: b.strategyId,
    version: b.version,
    status: b.status,
    ...(b.failure ? { failure: b.failure } : {}),
    request: b.request,
    trades: b.trades,
    equity: b.equity,
    stats: b.stats ?? null,
    logs: b.logs,
    createdAt: b.createdAt,
    finishedAt: b.finishedAt ?? null,
  };
}

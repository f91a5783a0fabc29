/** Backtest statistics (definitions in docs/strategies.md, "Statistics"). */
import { Dec } from '../money.ts';

export const BAR_SIZES = ['1 min', '5 mins', '1 hour', '1 day'] as const;
export type BarSize = (typeof BAR_SIZES)[number];

/** Bars in a year of regular US trading hours (252 days of 6.5 hours), to annualize the Sharpe ratio. */
export const PERIODS_PER_YEAR: Record<BarSize, number> = {
  '1 min': 252 * 390,
  '5 mins': 252 * 78,
  '1 hour': 252 * 6.5,
  '1 day': 252,
};

/** A round trip: from a flat position to a flat (or reversed) one. */
export interface Trade {
  symbol: string;
  side: 'long' | 'short';
  quantity: Dec;
  entryAt: string;
  entryPrice: Dec;
  exitAt: string;
  exitPrice: Dec;
  commission: Dec;
  /** Realized P&L after commissions. */
  pnl: Dec;
}

export interface EquityPoint {
  at: string;
  value: Dec;
}

export interface BacktestStats {
  pnl: string;
  returnPct: number;
  maxDrawdownPct: number;
  sharpe: number;
  trades: number;
  winRate: number;
  exposure: number;
}

const round = (n: number, places = 6) => {
  const f = 10 ** places;
  const r = Math.round(n * f) / f;
  return Object.is(r, -0) ? 0 : r;
};

/** Largest fall from a running peak, in percent of that peak. */
export function maxDrawdownPct(values: Dec[]): number {
  let peak: Dec | undefined;
  let worst = new Dec(0);
  for (const v of values) {
    if (peak === undefined || v.gt(peak)) peak = v;
    if (peak.gt(0)) {
      const dd = peak.minus(v).div(peak);
      if (dd.gt(worst)) worst = dd;
    }
  }
  return round(worst.mul(100).toNumber());
}

/** Annualized Sharpe ratio of per-bar equity returns (risk-free rate 0, sample deviation). */
export function sharpeRatio(values: Dec[], periodsPerYear: number): number {
  const returns: number[] = [];
  for (let i = 1; i < values.length; i++) {
    const prev = values[i - 1] as Dec;
    if (prev.isZero()) continue;
    returns.push((values[i] as Dec).minus(prev).div(prev).toNumber());
  }
  if (returns.length < 2) return 0;
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1);
  const sd = Math.sqrt(variance);
  if (sd === 0) return 0;
  return round((mean / sd) * Math.sqrt(periodsPerYear));
}

/** Every statistic of a finished backtest. */
export function backtestStats(input: {
  initialCash: Dec;
  equity: EquityPoint[];
  trades: Trade[];
  /** Steps (bar times) with a position open after the step, and all steps. */
  exposedSteps: number;
  steps: number;
  barSize: BarSize;
}): BacktestStats {
  const values = input.equity.map((p) => p.value);
  const final = values.at(-1) ?? input.initialCash;
  const pnl = final.minus(input.initialCash);
  const wins = input.trades.filter((t) => t.pnl.gt(0)).length;
  return {
    pnl: pnl.toFixed(),
    returnPct: input.initialCash.isZero() ? 0 : round(pnl.div(input.initialCash).mul(100).toNumber()),
    maxDrawdownPct: maxDrawdownPct([input.initialCash, ...values]),
    sharpe: sharpeRatio([input.initialCash, ...values], PERIODS_PER_YEAR[input.barSize]),
    trades: input.trades.length,
    winRate: input.trades.length === 0 ? 0 : round(wins / input.trades.length),
    exposure: input.steps === 0 ? 0 : round(input.exposedSteps / input.steps),
  };
}

/**
 * Acceptance 3: the SMA crossover example over generated daily bars: the same result twice, trades
 * that follow from the bars and the fill model, and statistics equal to an independent
 * calculation written here in plain numbers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Dec } from '../../../core/money.ts';
import { runBacktest } from '../../../core/strategies/backtest.ts';
import type { Bar } from '../../../core/strategies/fills.ts';
import { compileStrategy } from '../../../strategies/compile.ts';
import { cents, waveBars } from './wave-bars.ts';
import { loadStrategy } from '../../../strategies/sandbox.ts';

const SMA = readFileSync(new URL('../../../examples/strategies/sma-crossover.ts', import.meta.url), 'utf8');
const BREAKOUT = readFileSync(new URL('../../../examples/strategies/breakout.ts', import.meta.url), 'utf8');

async function backtest(source: string, bars: Bar[], params: Record<string, unknown>, extra = {}) {
  const sandbox = await loadStrategy(await compileStrategy(source));
  if ('failure' in sandbox) throw new Error(sandbox.failure.detail);
  try {
    return await runBacktest(sandbox, bars, {
      strategyId: 'stg1',
      version: 1,
      params,
      barSize: '1 day',
      initialCash: new Dec(100_000),
      commissionPerShare: new Dec('0.01'),
      slippageTicks: 1,
      ...extra,
    });
  } finally {
    sandbox.dispose();
  }
}

/** The SMA crossover and the fill model again, in plain numbers, independent of the engine. */
function independent(
  bars: Bar[],
  fast: number,
  slow: number,
  quantity: number,
  commission: number,
  slip: number,
) {
  const closes: number[] = [];
  let cash = 100_000;
  let position = 0;
  let pending: { side: 'buy' | 'sell'; qty: number } | undefined;
  const trades: Array<{
    entryAt: string;
    entryPrice: number;
    exitAt: string;
    exitPrice: number;
    pnl: number;
  }> = [];
  let entry: { at: string; price: number } | undefined;
  const equity: number[] = [];
  let exposed = 0;
  const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  for (const bar of bars) {
    const open = bar.open.toNumber();
    if (pending) {
      const price = cents(pending.side === 'buy' ? open + slip * 0.01 : open - slip * 0.01);
      const signed = pending.side === 'buy' ? pending.qty : -pending.qty;
      cash -= signed * price + pending.qty * commission;
      if (position === 0) entry = { at: bar.time, price };
      position += signed;
      if (position === 0 && entry) {
        trades.push({
          entryAt: entry.at,
          entryPrice: entry.price,
          exitAt: bar.time,
          exitPrice: price,
          pnl: (price - entry.price) * quantity - 2 * quantity * commission,
        });
        entry = undefined;
      }
      pending = undefined;
    }
    const close = bar.close.toNumber();
    closes.push(close);
    if (closes.length > slow) closes.shift();
    if (closes.length === slow) {
      const above = avg(closes.slice(-fast)) > avg(closes);
      if (above && position <= 0) pending = { side: 'buy', qty: quantity - position };
      else if (!above && position > 0) pending = { side: 'sell', qty: position };
    }
    equity.push(cash + position * close);
    if (position !== 0) exposed++;
  }
  const values = [100_000, ...equity];
  let peak = values[0] as number;
  let maxDd = 0;
  for (const v of values) {
    peak = Math.max(peak, v);
    maxDd = Math.max(maxDd, (peak - v) / peak);
  }
  const returns = values.slice(1).map((v, i) => v / (values[i] as number) - 1);
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1));
  const final = equity.at(-1) as number;
  return {
    trades,
    stats: {
      pnl: final - 100_000,
      returnPct: ((final - 100_000) / 100_000) * 100,
      maxDrawdownPct: maxDd * 100,
      sharpe: (mean / sd) * Math.sqrt(252),
      trades: trades.length,
      winRate: trades.filter((t) => t.pnl > 0).length / trades.length,
      exposure: exposed / bars.length,
    },
  };
}

describe('backtest of the SMA crossover example', () => {
  const bars = waveBars(250);
  const params = { fast: 5, slow: 20, quantity: 10 };

  it('gives the same result twice', async () => {
    const first = await backtest(SMA, bars, params);
    const second = await backtest(SMA, bars, params);
    expect(first.status).toBe('done');
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('trades at the next bar open (slipped one tick) after each crossover, as the bars say', async () => {
    const result = await backtest(SMA, bars, params);
    expect(result.trades.length).toBeGreaterThan(3);
    const byTime = new Map(bars.map((b, i) => [b.time, i]));
    for (const fill of result.fills) {
      const i = byTime.get(fill.at) as number;
      const bar = bars[i] as Bar;
      const slip = fill.side === 'buy' ? '0.01' : '-0.01';
      expect(fill.price.toFixed()).toBe(bar.open.plus(slip).toFixed());
      expect(fill.commission.toFixed()).toBe(fill.quantity.mul('0.01').toFixed());
      // The signal came from the bars before the fill: the fast average crossed the slow one.
      const closes = bars.slice(i - 20, i).map((b) => b.close.toNumber());
      const fast = closes.slice(-5).reduce((a, b) => a + b, 0) / 5;
      const slow = closes.reduce((a, b) => a + b, 0) / 20;
      expect(fast > slow).toBe(fill.side === 'buy');
    }
  });

  it('has the trades and statistics of an independent calculation', async () => {
    const result = await backtest(SMA, bars, params);
    const expected = independent(bars, 5, 20, 10, 0.01, 1);
    expect(
      result.trades.map((t) => [t.entryAt, t.entryPrice.toNumber(), t.exitAt, t.exitPrice.toNumber()]),
    ).toEqual(expected.trades.map((t) => [t.entryAt, t.entryPrice, t.exitAt, t.exitPrice]));
    result.trades.forEach((t, i) =>
      expect(t.pnl.toNumber()).toBeCloseTo(expected.trades[i]?.pnl as number, 8),
    );
    const s = result.stats;
    expect(Number(s.pnl)).toBeCloseTo(expected.stats.pnl, 6);
    expect(s.returnPct).toBeCloseTo(expected.stats.returnPct, 5);
    expect(s.maxDrawdownPct).toBeCloseTo(expected.stats.maxDrawdownPct, 5);
    expect(s.sharpe).toBeCloseTo(expected.stats.sharpe, 4);
    expect(s.trades).toBe(expected.stats.trades);
    expect(s.winRate).toBeCloseTo(expected.stats.winRate, 5);
    expect(s.exposure).toBeCloseTo(expected.stats.exposure, 5);
    expect(result.equity).toHaveLength(bars.length);
  });
});

describe('backtest of the breakout example', () => {
  it('enters on a close above the lookback high with a protective stop, and is deterministic', async () => {
    const bars = waveBars(200, 'MSFT');
    const params = { lookback: 10, quantity: 20, stopPct: 2 };
    const result = await backtest(BREAKOUT, bars, params, { slippageTicks: 0 });
    const again = await backtest(BREAKOUT, bars, params, { slippageTicks: 0 });
    expect(result.status).toBe('done');
    expect(JSON.stringify(again)).toBe(JSON.stringify(result));
    expect(result.trades.length).toBeGreaterThan(0);
    for (const trade of result.trades) {
      expect(trade.side).toBe('long');
      // Either the stop (2% under the breakout close) or a market exit at a bar's open.
      const exitBar = bars.find((b) => b.time === trade.exitAt) as Bar;
      const atOpen = trade.exitPrice.eq(exitBar.open);
      const inRange = trade.exitPrice.gte(exitBar.low) && trade.exitPrice.lte(exitBar.high);
      expect(atOpen || inRange).toBe(true);
    }
    expect(result.logs.some((l) => l.message.startsWith('breakout above'))).toBe(true);
  });
});

describe('a backtest that outlasts its worker', () => {
  it('stops before the next bar time once told to, failed with BACKTEST_TIME_LIMIT, keeping what it ran', async () => {
    const bars = waveBars(50);
    let asked = 0;
    // The worker's clock is stood in for by a count: the run is told to stop at the 21st bar time.
    const result = await backtest(
      SMA,
      bars,
      { fast: 3, slow: 8, quantity: 10 },
      { shouldStop: () => ++asked > 20 },
    );
    expect(result.status).toBe('failed');
    expect(result.failure).toEqual({
      code: 'BACKTEST_TIME_LIMIT',
      detail: 'stopped after 20 of 50 bar times: the backtest took longer than its worker may run',
    });
    expect(result.equity).toHaveLength(20);
    const full = await backtest(SMA, bars, { fast: 3, slow: 8, quantity: 10 });
    expect(result.equity).toEqual(full.equity.slice(0, 20));
  });
});

/**
 * The backtest engine: the same compiled strategy, through the same callback contract and limits
 * as live trading, over historical bars with the fill model of fills.ts. Deterministic: event
 * times come from the bars, `ctx.random` is seeded from the strategy and the step, and the order of
 * bars of one time is by symbol.
 */
import * as z from 'zod';
import type { Dec } from '../money.ts';
import { formatDecimal } from '../money.ts';
import { NewOrderRequest } from '../orders/order.ts';
import {
  DEFAULT_LIMITS,
  orderPrefix,
  orderRate,
  seedOf,
  type CallbackLimits,
  type CallbackSnapshot,
  type CtxOrder,
  type HandlerName,
  type StrategyRunner,
} from './callbacks.ts';
import { fillPrice, type Bar, type SimOrder } from './fills.ts';
import { Ledger, type Fill } from './ledger.ts';
import { backtestStats, type BacktestStats, type BarSize, type EquityPoint, type Trade } from './stats.ts';

export interface BacktestConfig {
  strategyId: string;
  version: number;
  params: Record<string, unknown>;
  barSize: BarSize;
  initialCash: Dec;
  commissionPerShare: Dec;
  slippageTicks: number;
  limits?: CallbackLimits;
  /** Asked before each bar time: true stops the run, failed (the worker's time is running out). */
  shouldStop?: () => boolean;
}

export interface BacktestOutcome {
  status: 'done' | 'failed';
  failure?: { code: string; detail: string };
  trades: Trade[];
  fills: Fill[];
  equity: EquityPoint[];
  stats: BacktestStats;
  logs: Array<{ at: string; level: string; message: string }>;
}

const MAX_LOGS = 500;

class Run {
  readonly ledger: Ledger;
  readonly working: SimOrder[] = [];
  readonly fills: Fill[] = [];
  readonly equity: EquityPoint[] = [];
  readonly logs: BacktestOutcome['logs'] = [];
  readonly lastPrices = new Map<string, Dec>();
  timers: Array<{ name: string; at: number }> = [];
  state: Record<string, unknown> = {};
  orderTimes: number[] = [];
  nextOrder = 1;
  failure: { code: string; detail: string } | undefined;
  readonly runner: StrategyRunner;
  readonly config: BacktestConfig;
  readonly limits: CallbackLimits;

  constructor(runner: StrategyRunner, config: BacktestConfig) {
    this.runner = runner;
    this.config = config;
    this.limits = config.limits ?? DEFAULT_LIMITS;
    this.ledger = new Ledger(config.initialCash);
  }

  snapshot(now: number, eventId: string): CallbackSnapshot {
    const positions: Record<string, string> = {};
    for (const [symbol, qty] of this.ledger.positions) if (!qty.isZero()) positions[symbol] = qty.toFixed();
    return {
      strategyId: this.config.strategyId,
      version: this.config.version,
      params: this.config.params,
      state: this.state,
      now,
      seed: seedOf(`${this.config.strategyId}:${this.config.version}:${eventId}`),
      positions,
      orders: this.working.map(ctxOrder),
      orderPrefix: orderPrefix(this.config.strategyId, eventId),
    };
  }

  /** Runs one callback and applies what it asked for; false once the strategy has failed. */
  async callback(
    handler: HandlerName,
    arg: unknown,
    now: number,
    step: number,
    eventId: string,
  ): Promise<boolean> {
    if (this.failure) return false;
    const at = new Date(now).toISOString();
    const result = await this.runner.call({ handler, arg, snapshot: this.snapshot(now, eventId) });
    if (!result.ok) {
      this.failure = result.failure;
      return false;
    }
    const { actions, state, logs } = result.output;
    const placed = actions.filter((a) => a.kind === 'placeOrder').length;
    const rate = orderRate(this.orderTimes, now, placed, this.limits);
    if ('failure' in rate) {
      this.failure = rate.failure;
      return false;
    }
    this.orderTimes = rate.times;
    this.state = state;
    for (const line of logs) if (this.logs.length < MAX_LOGS) this.logs.push({ at, ...line });
    for (const action of actions) {
      if (action.kind === 'placeOrder') this.place(action.body, step, at);
      else if (action.kind === 'cancelOrder') {
        const i = this.working.findIndex((o) => o.id === action.id || o.clientOrderId === action.id);
        if (i >= 0) this.working.splice(i, 1);
      } else {
        this.timers = this.timers.filter((t) => t.name !== action.name);
        if (this.timers.length < this.limits.timers)
          this.timers.push({ name: action.name, at: now + action.afterMs });
      }
    }
    return true;
  }

  /** Validates the body as POST /orders would; an invalid order is logged, as the live host does. */
  place(body: Record<string, unknown>, step: number, at: string): void {
    const parsed = NewOrderRequest.safeParse(body);
    if (!parsed.success) {
      this.log(at, `order refused: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`);
      return;
    }
    const r = parsed.data;
    if (r.type === 'trailing_stop') {
      this.log(at, 'order refused: the backtest does not simulate trailing_stop orders');
      return;
    }
    const id = `bt-${this.nextOrder++}`;
    this.working.push({
      id,
      clientOrderId: r.clientOrderId ?? id,
      symbol: r.symbol,
      side: r.side,
      quantity: r.quantity,
      type: r.type,
      ...(r.limitPrice ? { limitPrice: r.limitPrice } : {}),
      ...(r.stopPrice ? { stopPrice: r.stopPrice } : {}),
      timeInForce: r.timeInForce,
      placedAt: step,
    });
  }

  log(at: string, message: string): void {
    if (this.logs.length < MAX_LOGS) this.logs.push({ at, level: 'warn', message });
  }

  /** Fills this bar's eligible orders; returns the fills in order placement order. */
  match(bar: Bar, step: number): Fill[] {
    const out: Fill[] = [];
    for (const order of [...this.working]) {
      if (order.symbol !== bar.symbol || order.placedAt >= step) continue;
      const price = fillPrice(order, bar, { slippageTicks: this.config.slippageTicks });
      const immediate = order.timeInForce === 'ioc' || order.timeInForce === 'fok';
      if (price === undefined && !immediate) continue;
      this.working.splice(this.working.indexOf(order), 1);
      if (price === undefined) continue;
      const fill: Fill = {
        orderId: order.id,
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        side: order.side,
        quantity: order.quantity,
        price,
        commission: this.config.commissionPerShare.mul(order.quantity),
        at: bar.time,
      };
      this.ledger.apply(fill);
      this.fills.push(fill);
      out.push(fill);
    }
    return out;
  }
}

function ctxOrder(o: SimOrder): CtxOrder {
  return {
    id: o.id,
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    quantity: formatDecimal(o.quantity),
    type: o.type,
    limitPrice: o.limitPrice ? formatDecimal(o.limitPrice) : null,
    stopPrice: o.stopPrice ? formatDecimal(o.stopPrice) : null,
    status: 'submitted',
    filledQuantity: '0',
  };
}

/** The bar as the strategy sees it: numbers, for arithmetic in strategy code. */
export function barArg(bar: Bar) {
  return {
    symbol: bar.symbol,
    time: bar.time,
    open: bar.open.toNumber(),
    high: bar.high.toNumber(),
    low: bar.low.toNumber(),
    close: bar.close.toNumber(),
    volume: bar.volume.toNumber(),
  };
}

/** The fill as `onFill` receives it, live and in backtests. */
export function fillArg(fill: Fill) {
  return {
    orderId: fill.orderId,
    clientOrderId: fill.clientOrderId,
    symbol: fill.symbol,
    side: fill.side,
    quantity: fill.quantity.toNumber(),
    price: fill.price.toNumber(),
    commission: fill.commission.toNumber(),
    at: fill.at,
  };
}

/** Bars grouped by time, in time order, each group by symbol. */
export function steps(bars: Bar[]): Bar[][] {
  const sorted = [...bars].sort((a, b) =>
    a.time === b.time ? (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0) : a.time < b.time ? -1 : 1,
  );
  const out: Bar[][] = [];
  for (const bar of sorted) {
    const last = out.at(-1);
    if (last && last[0]?.time === bar.time) last.push(bar);
    else out.push([bar]);
  }
  return out;
}

/** Runs a backtest to the end, or to the strategy's failure. */
export async function runBacktest(
  runner: StrategyRunner,
  bars: Bar[],
  config: BacktestConfig,
): Promise<BacktestOutcome> {
  const run = new Run(runner, config);
  const groups = steps(bars);
  let exposed = 0;
  const first = groups[0]?.[0];
  if (first) await run.callback('onStart', null, Date.parse(first.time), 0, 'start');
  for (let step = 1; step <= groups.length && !run.failure; step++) {
    if (config.shouldStop?.()) {
      run.failure = {
        code: 'BACKTEST_TIME_LIMIT',
        detail: `stopped after ${step - 1} of ${groups.length} bar times: the backtest took longer than its worker may run`,
      };
      break;
    }
    const group = groups[step - 1] as Bar[];
    const now = Date.parse((group[0] as Bar).time);
    const due = run.timers
      .filter((t) => t.at <= now)
      .sort((a, b) => a.at - b.at || (a.name < b.name ? -1 : 1));
    run.timers = run.timers.filter((t) => t.at > now);
    for (const timer of due)
      await run.callback('onTimer', timer.name, now, step, `${step}:timer:${timer.name}`);
    for (const bar of group) {
      for (const fill of run.match(bar, step)) {
        await run.callback('onFill', fillArg(fill), now, step, `${step}:fill:${fill.orderId}`);
      }
    }
    for (const bar of group) {
      run.lastPrices.set(bar.symbol, bar.close);
      await run.callback('onBar', barArg(bar), now, step, `${step}:bar:${bar.symbol}`);
    }
    run.equity.push({ at: (group[0] as Bar).time, value: run.ledger.equity(run.lastPrices) });
    if (run.ledger.exposed()) exposed++;
  }
  const stats = backtestStats({
    initialCash: config.initialCash,
    equity: run.equity,
    trades: run.ledger.trades,
    exposedSteps: exposed,
    steps: run.equity.length,
    barSize: config.barSize,
  });
  return {
    status: run.failure ? 'failed' : 'done',
    ...(run.failure ? { failure: run.failure } : {}),
    trades: run.ledger.trades,
    fills: run.fills,
    equity: run.equity,
    stats,
    logs: run.logs,
  };
}

import type { Backtest } from './backtest-model.ts';
import type { Bar } from './fills.ts';
import type {
  Strategy,
  StrategyEventDetail,
  StrategyFailure,
  StrategyLogLine,
  StrategyRuntime,
  StrategyStats,
  StrategyVersion,
} from './model.ts';
import type { CallbackLimits, StrategyRunner } from './callbacks.ts';
import type { BarSize } from './stats.ts';

/** Strategies of one platform, always addressed through their tenant. */
export interface StrategyStore {
  /** Stores a new strategy with its first version; StrategyLimitError past the tenant's maximum. */
  create(strategy: Strategy, version: StrategyVersion, maxPerTenant: number): Promise<void>;
  get(tenantId: string, id: string): Promise<Strategy | undefined>;
  list(tenantId: string): Promise<Strategy[]>;
  /**
   * Writes the strategy if its stored `rev` is `expectedRev` (else StrategyVersionConflictError),
   * with a new version and a strategy.* event (published through the outbox) when given.
   */
  save(
    strategy: Strategy,
    expectedRev: number,
    extra?: { version?: StrategyVersion; event?: StrategyEventDetail },
  ): Promise<void>;
  getVersion(tenantId: string, id: string, version: number): Promise<StrategyVersion | undefined>;
  listVersions(tenantId: string, id: string): Promise<Array<{ version: number; createdAt: string }>>;
  runtime(tenantId: string, id: string): Promise<StrategyRuntime | undefined>;
  /**
   * Saves the state after a callback and adds to the stats, only while the strategy is running
   * the same run; false when it was stopped or restarted meanwhile.
   */
  saveRuntime(tenantId: string, id: string, runtime: StrategyRuntime, stats: StrategyStats): Promise<boolean>;
  /** Marks the run failed (if still running that run) and stores strategy.failed; false if it was not. */
  fail(strategy: Strategy, failure: StrategyFailure, event: StrategyEventDetail): Promise<boolean>;
  appendLogs(tenantId: string, id: string, lines: StrategyLogLine[]): Promise<void>;
  /** Newest first. */
  logs(tenantId: string, id: string, limit: number): Promise<StrategyLogLine[]>;
  /** Every running strategy of every tenant: what a strategy host loads. */
  running(): Promise<Array<{ tenantId: string; id: string }>>;
  putBacktest(backtest: Backtest): Promise<void>;
  getBacktest(tenantId: string, id: string): Promise<Backtest | undefined>;
}

/** Bars uploaded with a backtest request, kept apart from the backtest until its worker runs it. */
export interface BacktestBarStore {
  put(tenantId: string, backtestId: string, bars: Bar[]): Promise<void>;
  /** The bars as put, in the same order; empty when none are stored (or they expired). */
  get(tenantId: string, backtestId: string): Promise<Bar[]>;
}

/** What a backtest worker receives. */
export interface BacktestJob {
  tenantId: string;
  backtestId: string;
}

/** Hands a queued backtest to a worker. */
export interface BacktestQueue {
  send(job: BacktestJob): Promise<void>;
}

/** Historical bars for backtests. */
export interface BarSource {
  bars(request: { symbols: string[]; from: string; to: string; barSize: BarSize }): Promise<Bar[]>;
}

/** Turns uploaded source into what the sandbox runs; StrategyCompileError with positions otherwise. */
export type Compiler = (source: string) => Promise<string>;

/** Loads compiled code into a fresh sandbox. */
export type RunnerFactory = (
  compiled: string,
  limits?: CallbackLimits,
) => Promise<StrategyRunner | { failure: { code: string; detail: string } }>;

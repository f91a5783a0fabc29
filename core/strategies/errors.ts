import { ConflictError, DomainError, notFoundError } from '../errors.ts';

/** Where a compile error is in the uploaded source (1-based line, 0-based column, as esbuild reports). */
export interface CompileIssue {
  line: number;
  column: number;
  message: string;
}

/** The uploaded source does not compile; nothing is stored. */
export class StrategyCompileError extends DomainError {
  readonly code = 'STRATEGY_COMPILE_ERROR';
  readonly errors: CompileIssue[];

  constructor(errors: CompileIssue[]) {
    super(`The strategy does not compile: ${errors[0]?.message ?? 'unknown error'}`, { details: { errors } });
    this.errors = errors;
  }
}

/** No such strategy in the caller's tenant (also what another tenant's strategy looks like). */
export const StrategyNotFoundError = notFoundError('StrategyNotFoundError', 'Strategy', 'STRATEGY_NOT_FOUND');
export type StrategyNotFoundError = InstanceType<typeof StrategyNotFoundError>;

/** No such backtest in the caller's tenant. */
export const BacktestNotFoundError = notFoundError('BacktestNotFoundError', 'Backtest', 'BACKTEST_NOT_FOUND');
export type BacktestNotFoundError = InstanceType<typeof BacktestNotFoundError>;

/** Another writer changed the strategy in between; the caller may retry. */
export class StrategyVersionConflictError extends ConflictError {
  constructor(id: string) {
    super('STRATEGY_VERSION_CONFLICT', `Strategy ${id} changed meanwhile; retry`);
  }
}

/** The tenant has as many strategies as it may. */
export class StrategyLimitError extends ConflictError {
  constructor(max: number) {
    super('STRATEGY_LIMIT', `A tenant may have at most ${max} strategies`, { max });
  }
}

/** A backtest could not get its bars (no data for the range, the gateway refused, too many bars). */
export class BarsUnavailableError extends DomainError {
  readonly code = 'BARS_UNAVAILABLE';
}

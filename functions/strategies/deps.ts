import { IbBarSource, ibBarSourceFromEnv } from '../../adapters/ib/bar-source.ts';
import { BarsUnavailableError, StrategyCompileError } from '../../core/strategies/errors.ts';
import type { BacktestDeps, StrategyDeps } from '../../core/strategies/service.ts';
import { compileStrategy } from '../../strategies/compile.ts';
import { loadStrategy } from '../../strategies/sandbox.ts';
import { registerProblem } from '../shared/problems.ts';
import { storeDeps } from './store.ts';

registerProblem(StrategyCompileError, { status: 422, title: 'The strategy does not compile' });
registerProblem(BarsUnavailableError, { status: 422, title: 'No bars for the backtest' });

/** The strategy use cases' adapters. */
export function strategyDeps(): StrategyDeps {
  return { ...storeDeps(), compile: compileStrategy };
}

/** The backtest use case's adapters; bars from the broker when a gateway for history is configured. */
export function backtestDeps(): BacktestDeps {
  const gateway = ibBarSourceFromEnv();
  return {
    ...storeDeps(),
    load: loadStrategy,
    ...(gateway ? { bars: new IbBarSource(gateway) } : {}),
  };
}

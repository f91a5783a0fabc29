import { dynamoClient, resources } from '../../adapters/aws.ts';
import { DynamoStrategyStore } from '../../adapters/dynamodb/strategy-store.ts';
import { IbBarSource, ibBarSourceFromEnv } from '../../adapters/ib/bar-source.ts';
import { BarsUnavailableError, StrategyCompileError } from '../../core/strategies/errors.ts';
import type { BacktestDeps, StrategyDeps } from '../../core/strategies/service.ts';
import { compileStrategy } from '../../strategies/compile.ts';
import { loadStrategy } from '../../strategies/sandbox.ts';
import { registerProblem } from '../shared/problems.ts';

registerProblem(StrategyCompileError, { status: 422, title: 'The strategy does not compile' });
registerProblem(BarsUnavailableError, { status: 422, title: 'No bars for the backtest' });

let cached: { key: string; store: DynamoStrategyStore } | undefined;

function store(): DynamoStrategyStore {
  const { tableName } = resources();
  if (cached?.key !== tableName)
    cached = { key: tableName, store: new DynamoStrategyStore(dynamoClient(), tableName) };
  return cached.store;
}

/** The strategy use cases' adapters. */
export function strategyDeps(): StrategyDeps {
  return { store: store(), compile: compileStrategy };
}

/** The backtest use case's adapters; bars from the broker when a gateway for history is configured. */
export function backtestDeps(): BacktestDeps {
  const gateway = ibBarSourceFromEnv();
  return {
    store: store(),
    load: loadStrategy,
    ...(gateway ? { bars: new IbBarSource(gateway) } : {}),
  };
}

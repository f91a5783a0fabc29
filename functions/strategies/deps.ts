import { requiredEnv, resources, sqsClient } from '../../adapters/aws.ts';
import { DynamoBacktestBars } from '../../adapters/dynamodb/backtest-bars.ts';
import { documentClient } from '../../adapters/dynamodb/document-client.ts';
import { IbBarSource, ibBarSourceFromEnv } from '../../adapters/ib/bar-source.ts';
import { SqsBacktestQueue } from '../../adapters/sqs/backtest-queue.ts';
import type { QueueBacktestDeps, RunBacktestDeps } from '../../core/strategies/backtests.ts';
import { BarsUnavailableError, StrategyCompileError } from '../../core/strategies/errors.ts';
import type { StrategyDeps } from '../../core/strategies/service.ts';
import { env } from '../../core/topology.ts';
import { compileStrategy } from '../../strategies/compile.ts';
import { loadStrategy } from '../../strategies/sandbox.ts';
import { registerProblem } from '../shared/problems.ts';
import { storeDeps } from './store.ts';

registerProblem(StrategyCompileError, { status: 422, title: 'The strategy does not compile' });
registerProblem(BarsUnavailableError, { status: 422, title: 'No bars for the backtest' });

let bars: { key: string; bars: DynamoBacktestBars } | undefined;

/** The strategy store and the backtests' uploaded bars beside it. */
function stores() {
  const { tableName } = resources();
  if (bars?.key !== tableName)
    bars = { key: tableName, bars: new DynamoBacktestBars(documentClient(), tableName) };
  return { ...storeDeps(), bars: bars.bars };
}

/** The strategy use cases' adapters. */
export function strategyDeps(): StrategyDeps {
  return { ...storeDeps(), compile: compileStrategy };
}

/** The backtest request's adapters: the store, the bars beside it and the workers' queue. */
export function queueBacktestDeps(): QueueBacktestDeps {
  return {
    ...stores(),
    queue: new SqsBacktestQueue(sqsClient(), requiredEnv(env.backtestsQueueUrl)),
    history: ibBarSourceFromEnv() !== undefined,
  };
}

/** The backtest worker's adapters; bars from the broker when a gateway for history is configured. */
export function runBacktestDeps(shouldStop?: () => boolean): RunBacktestDeps {
  const gateway = ibBarSourceFromEnv();
  return {
    ...stores(),
    load: loadStrategy,
    ...(gateway ? { history: new IbBarSource(gateway) } : {}),
    ...(shouldStop ? { shouldStop } : {}),
  };
}

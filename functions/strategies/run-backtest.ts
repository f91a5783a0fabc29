import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { runQueuedBacktest } from '../../core/strategies/backtests.ts';
import type { BacktestJob } from '../../core/strategies/ports.ts';
import { logger } from '../shared/observability.ts';
import { runBacktestDeps } from './deps.ts';

/** Time kept back to store the result once the run is stopped. */
const MARGIN_MS = 20_000;

/**
 * The backtests queue consumer: runs each queued backtest (one per invocation) and stores its
 * result. A run that would outlast the function stops in time and is stored failed
 * (BACKTEST_TIME_LIMIT); an error storing it leaves the message to be received again.
 */
export async function handler(
  event: SQSEvent,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  const shouldStop = context?.getRemainingTimeInMillis
    ? () => context.getRemainingTimeInMillis() < MARGIN_MS
    : undefined;
  for (const record of event.Records) {
    try {
      const job = JSON.parse(record.body) as BacktestJob;
      const done = await runQueuedBacktest(runBacktestDeps(shouldStop), job);
      logger.info('backtest finished', { backtestId: job.backtestId, status: done?.status ?? 'missing' });
    } catch (error) {
      logger.error('backtest failed; it will be received again', {
        error: error as Error,
        messageId: record.messageId,
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

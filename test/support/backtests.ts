/** The backtest worker beside a test API, and waiting for a queued backtest to finish. */
import { queueConsumers } from '../../core/topology.ts';
import { pollQueue, type QueuePoller } from '../../local/queue-poller.ts';
import type { AnyJson, TestApi } from './api.ts';

const worker = queueConsumers.find((c) => c.queue === 'backtests')!;

/** Runs the topology's backtests consumer on the test API's private queue, as the local stack does. */
export function startBacktestWorker(api: TestApi): QueuePoller {
  return pollQueue({
    sqs: api.resources.sqs,
    queueUrl: api.resources.queueUrls.backtests,
    handler: worker.handler,
    batchSize: worker.batchSize,
    ...(worker.timeoutSeconds ? { timeoutSeconds: worker.timeoutSeconds } : {}),
    onError: (error) => console.error('backtest worker:', error),
  });
}

/** Polls GET /backtests/{id} until the backtest is done or failed; the statuses seen on the way too. */
export async function finishedBacktest(
  api: TestApi,
  id: string,
  headers: Record<string, string>,
): Promise<{ body: AnyJson; seen: string[] }> {
  const seen: string[] = [];
  for (;;) {
    const res = await api.request('GET', `/api/v1/backtests/${id}`, { headers });
    if (res.status !== 200) throw new Error(`GET /backtests/${id} answered ${res.status}`);
    const status = res.body.status as string;
    if (seen.at(-1) !== status) seen.push(status);
    if (status === 'done' || status === 'failed') return { body: res.body, seen };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Entry point of the strategy host process (`node strategies/main.ts`): a supervised child of the
 * local stack, a long-running service in AWS. Resources come from the topology's environment.
 */
import { awsClients, requiredEnv, resources } from '../adapters/aws.ts';
import { env } from '../core/topology.ts';
import { startStrategyHost } from './run.ts';

const { dynamo, sqs } = awsClients();
const { tableName, ordersQueueUrl } = resources();
const write = (level: string) => (message: string, data?: Record<string, unknown>) => {
  const line = JSON.stringify({
    level,
    service: 'strategy-host',
    time: new Date().toISOString(),
    message,
    ...data,
  });
  (level === 'info' ? process.stdout : process.stderr).write(line + '\n');
};
const log = { info: write('info'), warn: write('warn'), error: write('error') };

const running = await startStrategyHost({
  dynamo,
  sqs,
  tableName,
  ordersQueueUrl,
  eventsQueueUrl: requiredEnv(env.strategiesQueueUrl),
  log,
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info('strategy host stopping', { signal });
    void running.stop().then(() => process.exit(0));
  });
}

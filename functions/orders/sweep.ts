import { dynamoClient, resources, sqsClient } from '../../adapters/aws.ts';
import { DynamoPendingOrders } from '../../adapters/dynamodb/pending-orders.ts';
import { ConnectionOrderQueue, ordersQueueConnection } from '../../adapters/sqs/connection-queues.ts';
import { logger } from '../shared/observability.ts';

/** An order waits this long for the bridge before its queue message counts as lost. */
export const SWEEP_AFTER_MS = 5_000;
/** And is sent again at most this often while the bridge is away. */
export const RESEND_EVERY_MS = 60_000;

/**
 * Scheduled: re-queues accepted orders the bridge has not taken, so a failed send (or a lost
 * message) never strands an order. The bridge's claim makes a duplicate message harmless.
 */
export async function handler(): Promise<{ requeued: number; waiting: number }> {
  return sweepPending(new Date());
}

/** One sweep as of `now` (tests pass a later time rather than wait). */
export async function sweepPending(now: Date): Promise<{ requeued: number; waiting: number }> {
  const dynamo = dynamoClient();
  const sqs = sqsClient();
  const { tableName, ordersQueueUrl } = resources();
  const pending = new DynamoPendingOrders(dynamo, tableName);
  const queue = new ConnectionOrderQueue(sqs, {
    queueUrl: ordersQueueUrl,
    connectionId: ordersQueueConnection(),
  });
  let requeued = 0;
  let waiting = 0;
  for (const order of await pending.olderThan(new Date(now.getTime() - SWEEP_AFTER_MS), 500)) {
    if (order.requeuedAt && now.getTime() - Date.parse(order.requeuedAt) < RESEND_EVERY_MS) continue;
    try {
      await queue.send({
        kind: 'place',
        tenantId: order.tenantId,
        orderId: order.id,
        version: order.version,
        ...(order.account ? { account: order.account } : {}),
        ...(order.connectionId ? { connectionId: order.connectionId } : {}),
      });
    } catch (error) {
      // Its connection's queue is not there yet (still provisioning): the order waits for the next round.
      waiting++;
      logger.warn('Could not re-queue an order; it waits for the next round', {
        orderId: order.id,
        connectionId: order.connectionId,
        error: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    await pending.markRequeued(order, now);
    requeued++;
  }
  if (requeued) logger.info('Re-queued orders the bridge had not taken', { requeued });
  return { requeued, waiting };
}

import { dynamoClient, resources, sqsClient } from '../../adapters/aws.ts';
import { DynamoPendingOrders } from '../../adapters/dynamodb/pending-orders.ts';
import { SqsOrderQueue } from '../../adapters/sqs/order-queue.ts';
import { logger } from '../shared/observability.ts';

/** An order waits this long for the bridge before its queue message counts as lost. */
export const SWEEP_AFTER_MS = 5_000;
/** And is sent again at most this often while the bridge is away. */
export const RESEND_EVERY_MS = 60_000;

/**
 * Scheduled: re-queues accepted orders the bridge has not taken, so a failed send (or a lost
 * message) never strands an order. The bridge's claim makes a duplicate message harmless.
 */
export async function handler(): Promise<{ requeued: number }> {
  const dynamo = dynamoClient();
  const sqs = sqsClient();
  const { tableName, ordersQueueUrl } = resources();
  const pending = new DynamoPendingOrders(dynamo, tableName);
  const queue = new SqsOrderQueue(sqs, ordersQueueUrl);
  const now = new Date();
  let requeued = 0;
  for (const order of await pending.olderThan(new Date(now.getTime() - SWEEP_AFTER_MS), 500)) {
    if (order.requeuedAt && now.getTime() - Date.parse(order.requeuedAt) < RESEND_EVERY_MS) continue;
    await queue.send({
      kind: 'place',
      tenantId: order.tenantId,
      orderId: order.id,
      version: order.version,
      ...(order.account ? { account: order.account } : {}),
    });
    await pending.markRequeued(order, now);
    requeued++;
  }
  if (requeued) logger.info('Re-queued orders the bridge had not taken', { requeued });
  return { requeued };
}

import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DeliveryMessage } from '../../core/webhooks/model.ts';
import type { AttemptOutcome } from '../../core/webhooks/service.ts';
import { env } from '../../core/topology.ts';
import { requiredEnv, sqsClient } from '../../adapters/aws.ts';
import { delayRedelivery } from '../../adapters/webhooks/queue.ts';
import { metrics } from '../../adapters/metrics/index.ts';
import { logger } from '../shared/observability.ts';
import { webhookService } from './shared.ts';

/**
 * The webhooks queue consumer. Two kinds of message: an EventBridge event (fanned out to one
 * delivery message per matching subscription) and a delivery message (one attempt). A failed
 * attempt stays on the queue, invisible for its backoff, and is reported failed; after the queue's
 * maxReceiveCount receives SQS moves it to the DLQ.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      observeQueueAge(record);
      try {
        const retryIn = await handleRecord(record);
        if (retryIn === undefined) return;
        await delayRedelivery(sqsClient(), requiredEnv(env.webhooksQueueUrl), record.receiptHandle, retryIn);
        failures.push({ itemIdentifier: record.messageId });
      } catch (error) {
        logger.error('webhook message failed; it will be received again', {
          error: error as Error,
          messageId: record.messageId,
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
}

function deliveryOutcome(outcome: AttemptOutcome): string {
  if (outcome.action === 'retry') return 'failed';
  if (outcome.action === 'dead-letter') return 'dead_lettered';
  return outcome.delivered ? 'succeeded' : 'skipped';
}

/** Age of the message on the queue when received (SentTimestamp is epoch milliseconds). */
function observeQueueAge(record: SQSRecord): void {
  const sent = Number(record.attributes.SentTimestamp);
  if (Number.isFinite(sent) && sent > 0)
    metrics().observe('queueAge', Math.max(0, Date.now() - sent) / 1000, { queue: 'webhooks' });
}

/** Seconds until the message should be received again, or undefined when it is done. */
async function handleRecord(record: SQSRecord): Promise<number | undefined> {
  const body = JSON.parse(record.body) as Record<string, unknown>;
  const service = webhookService();
  if (typeof body['detail-type'] === 'string') {
    const queued = await service.fanOut(body as { 'detail-type': string; detail: unknown; time?: string });
    logger.debug('event fanned out', { type: body['detail-type'], deliveries: queued });
    return undefined;
  }
  const message = DeliveryMessage.parse(body);
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1') || 1;
  const outcome = await service.deliver(message, receiveCount);
  metrics().count('webhookDeliveries', { outcome: deliveryOutcome(outcome) });
  if (outcome.action === 'done') return undefined;
  if (outcome.action === 'retry') return outcome.delaySeconds;
  logger.warn('webhook delivery out of attempts; moving to the DLQ', { ...message, receiveCount });
  return 0;
}

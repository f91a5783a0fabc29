import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DependencyError } from '../../core/errors.ts';
import type { DeliveryMessage } from '../../core/webhooks/model.ts';
import type { DeliveryQueue } from '../../core/webhooks/ports.ts';
import { MAX_VISIBILITY_SECONDS } from '../../core/webhooks/retry.ts';

/** Delivery messages onto the webhooks queue, ten per request. */
export function sqsDeliveryQueue(sqs: SQSClient, queueUrl: string): DeliveryQueue {
  return {
    enqueue: async (messages) => {
      for (let i = 0; i < messages.length; i += 10) {
        const batch = messages.slice(i, i + 10);
        let res;
        try {
          res = await sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: batch.map((m: DeliveryMessage, j) => ({
                Id: String(j),
                MessageBody: JSON.stringify(m),
              })),
            }),
          );
        } catch (error) {
          throw new DependencyError('SQS failed while queueing webhook deliveries', { cause: error });
        }
        if (res.Failed?.length) {
          throw new DependencyError(`SQS refused ${res.Failed.length} webhook delivery messages`, {
            details: { failed: res.Failed.map((f) => f.Code) },
          });
        }
      }
    },
  };
}

/**
 * Schedules the next attempt of a received message: it stays invisible for `seconds`, and the
 * handler reports it failed so the event source does not delete it. Each receive counts towards
 * the queue's maxReceiveCount, after which SQS moves the message to the DLQ.
 */
export async function delayRedelivery(
  sqs: SQSClient,
  queueUrl: string,
  receiptHandle: string,
  seconds: number,
): Promise<void> {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.floor(seconds))),
    }),
  );
}

import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { functionName, lambdaContext, loadHandler } from './lambda.ts';

export interface QueuePoller {
  stop(): Promise<void>;
}

function toSqsEvent(messages: Message[], queueUrl: string): SQSEvent {
  const queueName = queueUrl.split('/').pop() ?? 'queue';
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: (m.Attributes ?? {}) as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queueName}`,
      awsRegion: 'us-east-1',
    })),
  };
}

/**
 * What Lambda's SQS event source mapping does: long-poll a queue, invoke the handler with a batch,
 * delete the messages it did not report as failed (partial batch responses). A failed message
 * becomes visible again and, after maxReceiveCount, moves to the DLQ by the queue's redrive policy.
 */
export function pollQueue(options: {
  sqs: SQSClient;
  queueUrl: string;
  handler: string;
  batchSize: number;
  /** The consumer's timeout, as its context reports it (QueueConsumerSpec.timeoutSeconds). */
  timeoutSeconds?: number;
  onError?: (error: unknown) => void;
}): QueuePoller {
  let running = true;
  const loop = (async () => {
    const handler = await loadHandler(options.handler);
    while (running) {
      try {
        const { Messages } = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: Math.min(10, options.batchSize),
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        if (!Messages?.length || !running) continue;
        let failed = new Set<string>();
        try {
          const result = (await handler(
            toSqsEvent(Messages, options.queueUrl),
            lambdaContext(
              functionName(options.handler),
              undefined,
              options.timeoutSeconds === undefined ? undefined : options.timeoutSeconds * 1000,
            ),
          )) as SQSBatchResponse | undefined;
          failed = new Set(result?.batchItemFailures?.map((f) => f.itemIdentifier) ?? []);
        } catch (error) {
          options.onError?.(error);
          continue; // the whole batch failed: every message becomes visible again
        }
        const done = Messages.filter((m) => !failed.has(m.MessageId ?? ''));
        if (done.length) {
          await options.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
        }
      } catch (error) {
        if (!running) break;
        options.onError?.(error);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop.catch(() => undefined);
    },
  };
}

/** What EventBridge Scheduler does for a rate schedule: invoke the handler every `everySeconds`. */
export function runSchedule(options: {
  handler: string;
  everySeconds: number;
  onError?: (error: unknown) => void;
}): {
  stop(): void;
} {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    loadHandler(options.handler)
      .then((h) =>
        h(
          {
            'detail-type': 'Scheduled Event',
            source: 'aws.scheduler',
            time: new Date().toISOString(),
            detail: {},
          },
          lambdaContext(functionName(options.handler)),
        ),
      )
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => (busy = false));
  }, options.everySeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

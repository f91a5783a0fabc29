import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { OrderCommand, OrderQueue } from '../../core/orders/ports.ts';

/**
 * The orders FIFO queue. One message group per tenant and account keeps a cancel behind the
 * place it cancels; the deduplication id makes a re-send of the same command harmless.
 */
export class SqsOrderQueue implements OrderQueue {
  readonly sqs: SQSClient;
  readonly queueUrl: string;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  async send(command: OrderCommand): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, ...orderMessage(command) }));
  }
}

/** An order command as an SQS FIFO message (every orders queue, shared or per connection). */
export function orderMessage(command: OrderCommand) {
  const { correlationId, ...body } = command;
  return {
    MessageBody: JSON.stringify(body),
    MessageGroupId: orderGroupId(command),
    MessageDeduplicationId: `${command.orderId}:${command.kind}:${command.version}`,
    // A message attribute, not the body: the command stays what it was, the id rides beside it.
    ...(correlationId
      ? { MessageAttributes: { correlationId: { DataType: 'String', StringValue: correlationId } } }
      : {}),
  };
}

/** The FIFO group of an order's commands. */
export function orderGroupId(command: Pick<OrderCommand, 'tenantId' | 'account'>): string {
  return `${command.tenantId}:${command.account ?? 'default'}`;
}

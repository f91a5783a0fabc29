import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { BrokerRequest } from '../../core/broker/model.ts';
import type { BrokerRequestChannel } from '../../core/broker/ports.ts';
import type { ConnectionOrderQueue } from './connection-queues.ts';

/**
 * Broker requests ride the connection's orders queue rather than a table item the bridge would
 * poll: the bridge already long-polls that queue, so a request reaches it at once, with no
 * extra reads per connection while idle, and the queue is the connection's own (no other bridge
 * sees it). Each request is a message group of its own, so it never waits behind a tenant's
 * order commands, nor they behind it.
 */
export class QueueBrokerRequestChannel implements BrokerRequestChannel {
  readonly queues: ConnectionOrderQueue;

  constructor(queues: ConnectionOrderQueue) {
    this.queues = queues;
  }

  async send(request: BrokerRequest): Promise<void> {
    await this.queues.sqs.send(
      new SendMessageCommand({
        QueueUrl: await this.queues.queueUrl(request.connectionId),
        MessageBody: JSON.stringify(request),
        MessageGroupId: `request:${request.requestId}`,
        MessageDeduplicationId: request.requestId,
      }),
      { abortSignal: AbortSignal.timeout(5_000) },
    );
  }
}

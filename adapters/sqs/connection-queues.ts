import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DEMO_CONNECTION_ID } from '../../core/connections/model.ts';
import type { OrderCommand, OrderQueue } from '../../core/orders/ports.ts';
import { connectionQueueName, env } from '../../core/topology.ts';
import { orderGroupId } from './order-queue.ts';

/**
 * The connection whose commands still go to the single orders queue of a deployment from before
 * connections (`cdemo` unless configured; none when set empty): its one bridge consumes that queue
 * until the connection's own queue and bridge exist.
 */
export function ordersQueueConnection(): string | undefined {
  const configured = process.env[env.ordersQueueConnection];
  if (configured === undefined) return DEMO_CONNECTION_ID;
  return configured === '' ? undefined : configured;
}

/**
 * Sends each order command to its connection's FIFO queue, found by name and cached. A queue that
 * does not exist yet (a connection whose bridge is still being provisioned) fails the send: the
 * order stays on the list of orders waiting to be queued and the sweeper sends it again later.
 */
export class ConnectionOrderQueue implements OrderQueue {
  readonly sqs: SQSClient;
  private readonly legacyUrl: string;
  private readonly legacyConnection: string | undefined;
  private readonly urls = new Map<string, string>();

  constructor(sqs: SQSClient, legacy: { queueUrl: string; connectionId: string | undefined }) {
    this.sqs = sqs;
    this.legacyUrl = legacy.queueUrl;
    this.legacyConnection = legacy.connectionId;
  }

  /** The queue URL of a connection's commands (the single queue for commands without a connection). */
  async queueUrl(connectionId: string | undefined): Promise<string> {
    if (connectionId === undefined || connectionId === this.legacyConnection) return this.legacyUrl;
    const known = this.urls.get(connectionId);
    if (known) return known;
    const { QueueUrl } = await this.sqs.send(
      new GetQueueUrlCommand({ QueueName: connectionQueueName(connectionId) }),
    );
    if (!QueueUrl) throw new Error(`No URL for the queue of connection ${connectionId}`);
    this.urls.set(connectionId, QueueUrl);
    return QueueUrl;
  }

  async send(command: OrderCommand): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: await this.queueUrl(command.connectionId),
        MessageBody: JSON.stringify(command),
        MessageGroupId: orderGroupId(command),
        MessageDeduplicationId: `${command.orderId}:${command.kind}:${command.version}`,
      }),
    );
  }
}

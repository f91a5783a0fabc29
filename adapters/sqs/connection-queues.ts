import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { houseConnection, ordersQueueConnection } from '../connections-config.ts';
import type { OrderCommand, OrderQueue } from '../../core/orders/ports.ts';
import { connectionQueueName } from '../../core/topology.ts';
import { orderMessage } from './order-queue.ts';

export { ordersQueueConnection };

/**
 * How long one queue call may take. The SDK's HTTP handler waits for ever by default, so a queue
 * endpoint that accepts the connection and never answers would hold POST /orders open with it;
 * bounded, the send fails, the order is already stored, and the sweeper queues it later.
 */
export const QUEUE_CALL_TIMEOUT_MS = 5_000;

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

  private readonly house: string | undefined;
  private readonly callTimeoutMs: number;

  constructor(
    sqs: SQSClient,
    legacy: { queueUrl: string; connectionId: string | undefined },
    /** Orders stored before connections existed name none: they belong to the house connection. */
    house: string | undefined = houseConnection(),
    callTimeoutMs = QUEUE_CALL_TIMEOUT_MS,
  ) {
    this.sqs = sqs;
    this.legacyUrl = legacy.queueUrl;
    this.legacyConnection = legacy.connectionId;
    this.house = house;
    this.callTimeoutMs = callTimeoutMs;
  }

  private bounded() {
    return { abortSignal: AbortSignal.timeout(this.callTimeoutMs) };
  }

  /** The queue URL of a connection's commands (the single queue for commands without a connection). */
  async queueUrl(connectionId: string | undefined): Promise<string> {
    if (connectionId === undefined || connectionId === this.legacyConnection) return this.legacyUrl;
    const known = this.urls.get(connectionId);
    if (known) return known;
    const { QueueUrl } = await this.sqs.send(
      new GetQueueUrlCommand({ QueueName: connectionQueueName(connectionId) }),
      this.bounded(),
    );
    if (!QueueUrl) throw new Error(`No URL for the queue of connection ${connectionId}`);
    this.urls.set(connectionId, QueueUrl);
    return QueueUrl;
  }

  async send(command: OrderCommand): Promise<void> {
    const connectionId = command.connectionId ?? this.house;
    const body = connectionId === undefined ? command : { ...command, connectionId };
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: await this.queueUrl(connectionId), ...orderMessage(body) }),
      this.bounded(),
    );
  }
}

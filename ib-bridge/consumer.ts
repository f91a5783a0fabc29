/**
 * The orders FIFO queue: long polling, visibility extended while a command is worked on, and
 * deletes in batches. Messages of one group (tenant and account) are handled in order; groups in
 * parallel. A command that cannot be done now (broker away) goes back with a short visibility.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { OrderCommand } from '../core/orders/ports.ts';
import { BrokerRequest } from '../core/broker/model.ts';
import { sleep } from './keyed.ts';
import type { Logger } from './log.ts';

export interface ConsumerOptions {
  sqs: SQSClient;
  queueUrl: string;
  receivers: number;
  waitSeconds: number;
  visibilitySeconds: number;
  log: Logger;
  /** Whether to take new messages now (broker connected and reconciled, not draining). */
  accepting: () => boolean;
  /** Resolves when accepting() may have become true. */
  whenAccepting: () => Promise<void>;
  handle: (command: OrderCommand) => Promise<void>;
  /** Broker requests (contract look-ups, what-if) that share the queue; dropped when absent. */
  handleRequest?: (request: BrokerRequest) => Promise<void>;
  /** Each message's age on the queue when received, in seconds. */
  onReceived?: (ageSeconds: number) => void;
}

interface InFlight {
  receipt: string;
  since: number;
}

export class QueueConsumer {
  readonly #o: ConsumerOptions;
  #running = false;
  readonly #loops: Array<Promise<void>> = [];
  readonly #inFlight = new Map<string, InFlight>();
  #deletes: Array<{ id: string; receipt: string; done: () => void }> = [];
  #flushScheduled = false;
  #extendTimer: NodeJS.Timeout | null = null;
  readonly #aborts = new Set<AbortController>();
  handled = 0;
  failed = 0;

  constructor(options: ConsumerOptions) {
    this.#o = options;
  }

  start(): void {
    this.#running = true;
    for (let i = 0; i < this.#o.receivers; i++) this.#loops.push(this.#loop());
    // Extend well before the visibility runs out, so no command is handed out twice while worked on.
    const every = Math.max(1000, (this.#o.visibilitySeconds * 1000) / 3);
    this.#extendTimer = setInterval(() => void this.#extend(), every);
    this.#extendTimer.unref();
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      if (!this.#o.accepting()) {
        await Promise.race([this.#o.whenAccepting(), sleep(500)]);
        continue;
      }
      let messages: Message[];
      const abort = new AbortController();
      this.#aborts.add(abort);
      try {
        const res = await this.#o.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.#o.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: this.#o.waitSeconds,
            VisibilityTimeout: this.#o.visibilitySeconds,
            MessageSystemAttributeNames: [
              'MessageGroupId',
              'ApproximateReceiveCount',
              'SentTimestamp',
              'AWSTraceHeader',
            ],
            MessageAttributeNames: ['correlationId'],
          }),
          { abortSignal: abort.signal },
        );
        messages = res.Messages ?? [];
      } catch (error) {
        if (!this.#running) break;
        this.#o.log.warn('receive from the orders queue failed', { error: String(error) });
        await sleep(1000);
        continue;
      } finally {
        this.#aborts.delete(abort);
      }
      if (!this.#running) {
        await this.#release(messages);
        break;
      }
      for (const m of messages) {
        this.#inFlight.set(m.MessageId ?? '', { receipt: m.ReceiptHandle ?? '', since: Date.now() });
        const sent = Number(m.Attributes?.SentTimestamp);
        if (sent > 0) this.#o.onReceived?.(Math.max(0, Date.now() - sent) / 1000);
      }
      // One group's messages in order; groups side by side.
      const groups = new Map<string, Message[]>();
      for (const m of messages) {
        const g = m.Attributes?.MessageGroupId ?? m.MessageId ?? '';
        groups.set(g, [...(groups.get(g) ?? []), m]);
      }
      await Promise.all([...groups.values()].map((group) => this.#group(group)));
    }
  }

  async #group(messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i] as Message;
      const request = brokerRequestOf(m.Body ?? '');
      if (request) {
        // Answered once or not at all: the API has stopped waiting long before a redelivery.
        await this.#o
          .handleRequest?.(request)
          .catch((error: unknown) =>
            this.#o.log.warn('broker request failed', { requestId: request.requestId, error: String(error) }),
          );
        await this.#delete(m);
        continue;
      }
      let command: OrderCommand;
      try {
        command = parseCommand(m.Body ?? '', m.MessageAttributes?.correlationId?.StringValue);
      } catch (error) {
        this.#o.log.error('unreadable orders queue message dropped', {
          messageId: m.MessageId,
          error: String(error),
        });
        await this.#delete(m);
        continue;
      }
      this.#o.log.info('order command received', {
        orderId: command.orderId,
        kind: command.kind,
        ...(command.correlationId ? { correlationId: command.correlationId } : {}),
        // In AWS, the X-Ray trace of the Lambda that queued the command (see docs/observability.md).
        ...(m.Attributes?.AWSTraceHeader ? { traceHeader: m.Attributes.AWSTraceHeader } : {}),
      });
      try {
        await this.#o.handle(command);
        this.handled++;
        await this.#delete(m);
      } catch (error) {
        this.failed++;
        this.#o.log.warn('command not done; it comes back later', {
          orderId: command.orderId,
          kind: command.kind,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        // The rest of the group must wait behind this one (FIFO): all go back.
        await this.#release(messages.slice(i), 2);
        return;
      }
    }
  }

  /** Deletes are batched: every delete of the same tick goes in one request. */
  #delete(m: Message): Promise<void> {
    return new Promise((resolve) => {
      this.#deletes.push({ id: m.MessageId ?? '', receipt: m.ReceiptHandle ?? '', done: resolve });
      if (this.#deletes.length >= 10) void this.#flush();
      else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    while (this.#deletes.length > 0) {
      const batch = this.#deletes.splice(0, 10);
      try {
        const res = await this.#o.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.#o.queueUrl,
            Entries: batch.map((d, i) => ({ Id: String(i), ReceiptHandle: d.receipt })),
          }),
        );
        for (const f of res.Failed ?? []) {
          this.#o.log.warn('queue delete failed; the command may come again (harmless)', {
            error: f.Message,
          });
        }
      } catch (error) {
        // A command seen again is harmless: the claim and the broker check make it a no-op.
        this.#o.log.warn('queue delete failed; the commands may come again (harmless)', {
          error: String(error),
        });
      }
      for (const d of batch) {
        this.#inFlight.delete(d.id);
        d.done();
      }
    }
  }

  async #release(messages: Message[], visibility = 0): Promise<void> {
    for (const m of messages) {
      this.#inFlight.delete(m.MessageId ?? '');
      await this.#o.sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: this.#o.queueUrl,
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: visibility,
          }),
        )
        .catch(() => undefined);
    }
  }

  async #extend(): Promise<void> {
    const entries = [...this.#inFlight.entries()];
    for (let i = 0; i < entries.length; i += 10) {
      const batch = entries.slice(i, i + 10);
      await this.#o.sqs
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.#o.queueUrl,
            Entries: batch.map(([, f], j) => ({
              Id: String(j),
              ReceiptHandle: f.receipt,
              VisibilityTimeout: this.#o.visibilitySeconds,
            })),
          }),
        )
        .catch((error: unknown) => this.#o.log.warn('visibility extension failed', { error: String(error) }));
    }
  }

  /** Stops receiving and waits for the commands in hand to finish (SIGTERM drain). */
  async stop(): Promise<void> {
    this.#running = false;
    for (const a of this.#aborts) a.abort();
    await Promise.allSettled(this.#loops);
    await this.#flush();
    if (this.#extendTimer) clearInterval(this.#extendTimer);
  }
}

/** A broker request on the queue (marked `type: broker_request`), or undefined for anything else. */
export function brokerRequestOf(body: string): BrokerRequest | undefined {
  if (!body.includes('"broker_request"')) return undefined;
  try {
    const parsed = BrokerRequest.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A queue message body (and its correlationId attribute) → command. */
export function parseCommand(body: string, correlationId?: string): OrderCommand {
  const raw = JSON.parse(body) as Record<string, unknown>;
  if (
    (raw.kind !== 'place' && raw.kind !== 'cancel' && raw.kind !== 'modify') ||
    typeof raw.tenantId !== 'string' ||
    typeof raw.orderId !== 'string' ||
    typeof raw.version !== 'number'
  ) {
    throw new Error('not an order command');
  }
  return {
    kind: raw.kind,
    tenantId: raw.tenantId,
    orderId: raw.orderId,
    version: raw.version,
    ...(typeof raw.account === 'string' ? { account: raw.account } : {}),
    ...(correlationId || typeof raw.correlationId === 'string'
      ? { correlationId: correlationId || String(raw.correlationId) }
      : {}),
  };
}

/**
 * The local event path for webhook tests: outbox items in the table, the drainer, the local
 * EventBridge router, the webhooks queue consumed by the real handler through the queue poller
 * (as Lambda's event source would), and an HTTP receiver on 127.0.0.1.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { eventBus, rules } from '../../../core/topology.ts';
import { orderKeys, outboxSk, workKeys } from '../../../core/store/keys.ts';
import type { OrderEvent, OrderEventType } from '../../../core/orders/events.ts';
import { drainUntilEmpty, type DrainOptions } from '../../../adapters/outbox/drain.ts';
import { webhookEnv } from '../../../adapters/webhooks/config.ts';
import { sqsDeliverer, startEventRouter, type EventRouter } from '../../../local/event-router/router.ts';
import { pollQueue, type QueuePoller } from '../../../local/queue-poller.ts';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver: `/ok` answers 204, `/fail` 503, `/flaky/<n>` fails the first n times per webhook-id. */
export interface Receiver {
  url: string;
  received: Received[];
  on(path: string): Received[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const flaky = /^\/flaky\/(\d+)/.exec(path);
      let status = 204;
      if (path.startsWith('/fail')) status = 503;
      if (flaky) {
        const key = `${path}|${String(req.headers['webhook-id'])}`;
        const n = (seen.get(key) ?? 0) + 1;
        seen.set(key, n);
        status = n <= Number(flaky[1]) ? 500 : 200;
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    on: (path) => received.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Fast retries, loopback allowed: the local stack's settings with the backoff shrunk to zero. */
export function useFastWebhookSettings(disableAfter = 1): void {
  process.env[webhookEnv.allowLoopback] = 'true';
  process.env[webhookEnv.retrySchedule] = '0';
  process.env[webhookEnv.timeoutMs] = '2000';
  process.env[webhookEnv.disableAfter] = String(disableAfter);
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
}

export interface EventPath {
  router: EventRouter;
  poller: QueuePoller;
  drain: DrainOptions;
  close(): Promise<void>;
}

/** Starts the router into the test's queues and the webhooks consumer. */
export async function startEventPath(opts: {
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
  tableName: string;
  queueUrls: Record<string, string>;
}): Promise<EventPath> {
  const router = await startEventRouter({
    port: 0,
    rules,
    busName: eventBus.name,
    deliver: sqsDeliverer(opts.sqs, opts.queueUrls),
    retryBaseDelayMs: 5,
  });
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = router.endpoint;
  const events = new EventBridgeClient({
    endpoint: router.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const poller = pollQueue({
    sqs: opts.sqs,
    queueUrl: opts.queueUrls.webhooks!,
    handler: 'functions/webhooks/deliver.ts',
    batchSize: 10,
    onError: (e) => console.error('webhooks consumer failed', e),
  });
  return {
    router,
    poller,
    drain: { doc: opts.doc, events, tableName: opts.tableName, busName: eventBus.name },
    close: async () => {
      await poller.stop();
      await router.close();
      events.destroy();
    },
  };
}

let orderCounter = 0;

/** An order audit event written the way the order store writes it: the event item with its outbox marker. */
export async function writeOrderEvent(
  doc: DynamoDBDocumentClient,
  tableName: string,
  tenantId: string,
  options: { type?: OrderEventType; orderId?: string; seq?: number } = {},
): Promise<OrderEvent> {
  const orderId =
    options.orderId ?? `01HZZTEST${String(Date.now()).slice(-8)}${String(++orderCounter).padStart(9, '0')}`;
  const event: OrderEvent = {
    tenantId,
    orderId,
    seq: options.seq ?? 3,
    type: options.type ?? 'order.filled',
    at: new Date().toISOString(),
    actor: 'broker',
    data: { order: { id: orderId, status: 'filled', filledQuantity: '10' } },
  };
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...orderKeys.event(tenantId, orderId, event.seq),
        ...event,
        gsi3pk: workKeys.outboxPk(workKeys.shardOf(orderId)),
        gsi3sk: outboxSk(event.at, orderId, event.seq),
      },
    }),
  );
  return event;
}

export { drainUntilEmpty };

/** Polls until `check` returns a value; the deadline is only a safety net for a broken build. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Messages on a queue right now (received without deleting, visible again at once). */
export async function peekQueue(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const res = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      VisibilityTimeout: 0,
    }),
  );
  return (res.Messages ?? []).map((m) => m.Body ?? '');
}

/** True when a queue holds no message, visible, delayed or in flight. */
export async function queueIdle(sqs: SQSClient, queueUrl: string): Promise<boolean> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return Object.values(Attributes).every((v) => v === '0');
}

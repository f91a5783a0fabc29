/**
 * Fill-to-webhook latency through the local path: an order event committed with its outbox marker
 * → drainer → local EventBridge → webhooks queue → handler (fan-out) → queue → handler (attempt)
 * → HTTP receiver. Beside it, the floor of the same run: one bare SQS send + long-poll receive plus
 * one bare HTTP POST to the same receiver; the path makes two queue hops, so about 2× the SQS part
 * plus DynamoDB work is the best it could do.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { eventBus, rules } from '../core/topology.ts';
import { orderKeys, outboxSk, workKeys } from '../core/store/keys.ts';
import { startDynamoDbLocal } from '../local/dynamodb.ts';
import { startLocalSqs } from '../local/sqs.ts';
import { ensureQueues, ensureTable } from '../local/provision.ts';
import { useLocalAws } from '../local/aws-env.ts';
import { sqsDeliverer, startEventRouter } from '../local/event-router/router.ts';
import { pollQueue } from '../local/queue-poller.ts';
import { drainOutbox } from '../adapters/outbox/drain.ts';
import { webhookEnv } from '../adapters/webhooks/config.ts';
import { webhookService } from '../adapters/webhooks/service.ts';
import { percentile, type BenchSection } from './types.ts';

const SAMPLES = Number(process.env.BENCH_WEBHOOK_SAMPLES ?? 200);
const WARMUP = 20;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export default async function bench(): Promise<BenchSection> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env[webhookEnv.allowLoopback] = 'true';
  const [dynamodb, sqsServer] = await Promise.all([startDynamoDbLocal(), startLocalSqs()]);
  const dynamo = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: 'us-east-1', credentials });
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const sqs = new SQSClient({
    endpoint: sqsServer.endpoint,
    region: 'us-east-1',
    credentials,
    useQueueUrlAsEndpoint: false,
  });

  const waiting = new Map<string, () => void>();
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(204).end();
      const id = String(req.headers['webhook-id'] ?? '');
      waiting.get(id)?.();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const stops: Array<() => Promise<void> | void> = [];
  try {
    const tableName = await ensureTable(dynamo, 'oms-bench');
    const { urls } = await ensureQueues(sqs, 'bench-');
    const router = await startEventRouter({
      rules,
      busName: eventBus.name,
      deliver: sqsDeliverer(sqs, urls),
    });
    stops.push(() => router.close());
    useLocalAws({
      dynamodb: dynamodb.endpoint,
      sqs: sqsServer.endpoint,
      eventbridge: router.endpoint,
      tableName,
      queueUrls: urls,
      eventBusName: eventBus.name,
    });
    const events = new EventBridgeClient({ endpoint: router.endpoint, region: 'us-east-1', credentials });
    const poller = pollQueue({
      sqs,
      queueUrl: urls.webhooks,
      handler: 'functions/webhooks/deliver.ts',
      batchSize: 10,
    });
    stops.push(() => poller.stop());

    const tenantId = 'tbench';
    await webhookService().subscribe(tenantId, { url: `${receiverUrl}/hook`, events: ['order.filled'] });

    // The path: commit the event with its marker, kick the drainer (as the bridge does after a fill), wait for the POST.
    const path: number[] = [];
    for (let i = 0; i < SAMPLES + WARMUP; i++) {
      const orderId = `01HBENCH${String(i).padStart(18, '0')}`;
      const arrived = new Promise<void>((resolve) => waiting.set(`${orderId}:1`, resolve));
      const started = performance.now();
      const at = new Date().toISOString();
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...orderKeys.event(tenantId, orderId, 1),
            tenantId,
            orderId,
            seq: 1,
            type: 'order.filled',
            at,
            actor: 'broker',
            data: { fillQuantity: '100', fillPrice: '187.25' },
            gsi3pk: workKeys.outboxPk(workKeys.shardOf(orderId)),
            gsi3sk: outboxSk(at, orderId, 1),
          },
        }),
      );
      await drainOutbox({ doc, events, tableName, busName: eventBus.name });
      await arrived;
      if (i >= WARMUP) path.push(performance.now() - started);
      waiting.delete(`${orderId}:1`);
    }

    // The floor: one bare queue hop and one bare HTTP POST, sequentially, on the same emulators.
    const { QueueUrl: floorQueue } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-floor' }));
    const sqsHop: number[] = [];
    const post: number[] = [];
    for (let i = 0; i < SAMPLES + WARMUP; i++) {
      const t0 = performance.now();
      await sqs.send(new SendMessageCommand({ QueueUrl: floorQueue, MessageBody: 'x' }));
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: floorQueue, WaitTimeSeconds: 1 }),
      );
      for (const m of Messages)
        await sqs.send(new DeleteMessageCommand({ QueueUrl: floorQueue, ReceiptHandle: m.ReceiptHandle }));
      const t1 = performance.now();
      const res = await fetch(`${receiverUrl}/floor`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      await res.arrayBuffer();
      const t2 = performance.now();
      if (i >= WARMUP) {
        sqsHop.push(t1 - t0);
        post.push(t2 - t1);
      }
    }
    const floor = sqsHop.map((s, i) => s + (post[i] ?? 0));
    const floorP50 = percentile(floor, 50);
    const floorP99 = percentile(floor, 99);
    events.destroy();
    return {
      title: 'Webhooks: fill-to-webhook latency (local path)',
      rows: [
        {
          metric: 'fill → webhook p50',
          value: percentile(path, 50),
          unit: 'ms',
          floor: { metric: 'SQS hop + HTTP POST p50', value: floorP50 },
        },
        {
          metric: 'fill → webhook p99',
          value: percentile(path, 99),
          unit: 'ms',
          floor: { metric: 'SQS hop + HTTP POST p99', value: floorP99 },
        },
        { metric: 'SQS send + receive p50', value: percentile(sqsHop, 50), unit: 'ms' },
        { metric: 'HTTP POST to receiver p50', value: percentile(post, 50), unit: 'ms' },
      ],
      notes: [
        `${SAMPLES} sequential events after ${WARMUP} warm-up ones; DynamoDB Local in memory, fauxqs, the local EventBridge router, one subscription.`,
        'Measured from the start of the event write to the receiver reading the POST: write, one drainer round over 4 outbox shards, PutEvents, rule match → SQS, fan-out (subscription query, delivery transaction, SQS send), attempt (2 reads, signed POST, attempt log).',
        'The drainer is kicked right after the write, as the bridge does after committing a fill; a drainer that only polls adds up to its interval.',
        'The path has two queue hops (bus event → fan-out, then one delivery message per subscription), so the floor understates the best possible by one hop.',
      ],
    };
  } finally {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    await new Promise<void>((r) => {
      receiver.close(() => r());
      receiver.closeAllConnections();
    });
    dynamo.destroy();
    sqs.destroy();
    await Promise.all([dynamodb.stop(), sqsServer.stop()]);
  }
}

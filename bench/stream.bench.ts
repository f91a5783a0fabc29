/**
 * The live stream through the local path: PutEvents on the local EventBridge → the stream rule →
 * the fan-out handler (sequence number, log entry, subscribed sockets, watermark) → `@connections`
 * on the local gateway → the socket. Beside it, the floor of the same run: a bare `ws` server
 * sending the same message to a client. Memory: 200 authenticated, subscribed sockets against 200
 * bare `ws` connections, both sides in this one process.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { WebSocket, WebSocketServer } from 'ws';
import { authorizer, env, eventBus, stream } from '../core/topology.ts';
import { createApiKey, createTenant } from '../core/tenancy/service.ts';
import { TenancyStore } from '../adapters/dynamodb/tenancy-store.ts';
import { startDynamoDbLocal } from '../local/dynamodb.ts';
import { ensureTable } from '../local/provision.ts';
import { startEventRouter } from '../local/event-router/router.ts';
import { handlerDeliverer, streamRule } from '../local/event-router/handlers.ts';
import { startGateway } from '../local/gateway.ts';
import { startLocalIdentity } from '../local/identity/index.ts';
import { percentile, type BenchSection } from './types.ts';

const SAMPLES = Number(process.env.BENCH_STREAM_SAMPLES ?? 200);
const WARMUP = 20;
const SOCKETS = 200;
const BROADCASTS = 20;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function progress(line: string): void {
  process.stderr.write(`  stream bench: ${line}\n`);
}

function heapMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** A client socket whose messages resolve the waiter registered for their event id (or any message, for the floor). */
function client(url: string, onMessage: (text: string) => void): Promise<WebSocket> {
  const ws = new WebSocket(url);
  ws.on('message', (data) => onMessage((data as Buffer).toString('utf8')));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function next(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) =>
    ws.once('message', (data) =>
      resolve(JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>),
    ),
  );
}

function orderEntry(tenantId: string, i: number) {
  const at = new Date().toISOString();
  const detail = {
    schemaVersion: 1,
    eventId: `01HBENCH${String(i).padStart(18, '0')}:1`,
    type: 'order.filled',
    tenantId,
    orderId: `01HBENCH${String(i).padStart(18, '0')}`,
    seq: 1,
    at,
    actor: 'broker',
    data: { order: { status: 'filled', filledQuantity: '100', averageFillPrice: '187.25' } },
  };
  return {
    detail,
    entry: { Source: eventBus.source, DetailType: 'order.filled', Detail: JSON.stringify(detail) },
  };
}

export default async function bench(): Promise<BenchSection> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const dynamodb = await startDynamoDbLocal();
  const dynamo = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: 'us-east-1', credentials });
  const stops: Array<() => Promise<void> | void> = [() => dynamodb.stop()];
  try {
    const tableName = await ensureTable(dynamo, 'oms-bench');
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      [env.tableName]: tableName,
      // The authorizer's stores read every resource name; the stream never sends to the queue.
      [env.ordersQueueUrl]: 'http://127.0.0.1:9/unused-orders-queue',
    });
    const identity = startLocalIdentity({ tableName, dynamodbEndpoint: dynamodb.endpoint });
    const store = new TenancyStore(dynamo, tableName);
    const tenantId = 'tbench';
    await createTenant(
      { identity: identity.provider, store },
      {
        id: tenantId,
        name: 'Bench',
        admin: { username: 'bench-admin', password: undefined },
        actor: 'operator:bench',
      },
    );
    const { key: apiKey } = await createApiKey(
      { tenant: store.forTenant(tenantId) },
      {
        name: 'bench',
        scopes: ['orders:read'],
        expiresAt: null,
        rateLimitPerMinute: 100_000,
        caller: { principal: 'user:bench-admin' },
      },
    );

    const router = await startEventRouter({
      rules: [streamRule],
      busName: eventBus.name,
      deliver: handlerDeliverer(async () => undefined),
    });
    stops.push(() => router.close());
    const gateway = await startGateway({ routes: [], authorizer, stream: { authDeadlineMs: 600_000 } });
    stops.push(() => gateway.close());
    const wsUrl = `${gateway.url.replace(/^http/, 'ws')}${stream.path}`;
    const events = new EventBridgeClient({ endpoint: router.endpoint, region: 'us-east-1', credentials });

    const open = async (onMessage: (text: string) => void = () => undefined) => {
      const ws = await client(wsUrl, () => undefined);
      ws.send(JSON.stringify({ action: 'auth', apiKey }));
      const authenticated = await next(ws);
      if (authenticated.type !== 'authenticated')
        throw new Error(`auth refused: ${JSON.stringify(authenticated)}`);
      ws.send(JSON.stringify({ action: 'subscribe', streams: ['orders'] }));
      const subscribed = await next(ws);
      if (subscribed.type !== 'subscribed')
        throw new Error(`subscribe refused: ${JSON.stringify(subscribed)}`);
      ws.on('message', (data) => onMessage((data as Buffer).toString('utf8')));
      return ws;
    };

    // The floor: a bare ws server sending the same message, timed from send to receipt.
    const bare = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((r) => bare.once('listening', () => r()));
    stops.push(() => new Promise<void>((r) => bare.close(() => r())));
    const bareUrl = `ws://127.0.0.1:${(bare.address() as AddressInfo).port}`;
    const serverSide = new Promise<WebSocket>((r) => bare.once('connection', (ws) => r(ws)));
    let bareArrived: () => void = () => undefined;
    const bareClient = await client(bareUrl, () => bareArrived());
    const bareServer = await serverSide;
    const message = JSON.stringify({
      type: 'event',
      stream: 'orders',
      event: 'order.filled',
      seq: 1,
      cursor: 'czEuMQ',
      at: new Date().toISOString(),
      data: orderEntry(tenantId, 0).detail,
    });
    const floor: number[] = [];
    for (let i = 0; i < SAMPLES + WARMUP; i++) {
      const arrived = new Promise<void>((r) => (bareArrived = r));
      const t0 = performance.now();
      bareServer.send(message);
      await arrived;
      if (i >= WARMUP) floor.push(performance.now() - t0);
    }
    bareClient.close();
    progress(`floor p50 ${percentile(floor, 50).toFixed(2)} ms`);

    // The machine's pace: one consistent DynamoDB read, the kind of call the fan-out makes four of.
    const reads: number[] = [];
    for (let i = 0; i < SAMPLES + WARMUP; i++) {
      const t0 = performance.now();
      await dynamo.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: 'T#tbench#STREAM' }, sk: { S: 'HEAD' } },
          ConsistentRead: true,
        }),
      );
      if (i >= WARMUP) reads.push(performance.now() - t0);
    }
    progress(`DynamoDB read p50 ${percentile(reads, 50).toFixed(2)} ms`);

    // The path: one subscribed socket, one event at a time.
    const waiting = new Map<string, () => void>();
    const arrivedFor = (text: string) => {
      const m = JSON.parse(text) as { data?: { eventId?: string } };
      if (m.data?.eventId) waiting.get(m.data.eventId)?.();
    };
    const one = await open(arrivedFor);
    const path: number[] = [];
    for (let i = 1; i <= SAMPLES + WARMUP; i++) {
      const { detail, entry } = orderEntry(tenantId, i);
      const arrived = new Promise<void>((r) => waiting.set(detail.eventId, r));
      const t0 = performance.now();
      await events.send(new PutEventsCommand({ Entries: [entry] }));
      await arrived;
      if (i > WARMUP) path.push(performance.now() - t0);
      waiting.delete(detail.eventId);
    }
    one.close();
    progress(`path p50 ${percentile(path, 50).toFixed(1)} ms`);

    // Memory: the heap with 200 sockets open less the heap just before they opened, both after a
    // forced GC and after warm-up sockets ran every code path once (compiled code is not counted).
    const settle = () => new Promise((r) => setTimeout(r, 300));
    const closedAndForgotten = async () => {
      while ((gateway.stream?.size() ?? 0) > 0) await settle();
      await settle();
    };
    for (const ws of await Promise.all(Array.from({ length: 20 }, () => client(bareUrl, () => undefined))))
      ws.terminate();
    await settle();
    const bareBefore = heapMiB();
    const bares = await Promise.all(Array.from({ length: SOCKETS }, () => client(bareUrl, () => undefined)));
    await settle();
    const bareHeap = heapMiB() - bareBefore;
    for (const ws of bares) ws.terminate();
    for (const ws of await Promise.all(Array.from({ length: 20 }, () => open()))) ws.terminate();
    await closedAndForgotten();
    const streamBefore = heapMiB();
    let received = 0;
    let allArrived: () => void = () => undefined;
    const sockets: WebSocket[] = [];
    for (let i = 0; i < SOCKETS; i += 20) {
      sockets.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, () =>
            open(() => {
              received++;
              if (received === SOCKETS) allArrived();
            }),
          ),
        )),
      );
    }
    await settle();
    const streamHeap = heapMiB() - streamBefore;
    progress(`heap ${streamHeap.toFixed(1)} MiB for ${SOCKETS} sockets, ${bareHeap.toFixed(1)} MiB bare`);

    // One event to all 200: until the last socket has it.
    const broadcast: number[] = [];
    for (let i = 0; i < BROADCASTS; i++) {
      received = 0;
      const arrived = new Promise<void>((r) => (allArrived = r));
      const t0 = performance.now();
      await events.send(new PutEventsCommand({ Entries: [orderEntry(tenantId, 10_000 + i).entry] }));
      await arrived;
      broadcast.push(performance.now() - t0);
    }
    for (const ws of sockets) ws.terminate();

    progress(`broadcast p50 ${percentile(broadcast, 50).toFixed(1)} ms`);
    const bareP50 = percentile(floor, 50);
    return {
      title: 'Live stream: bus event → WebSocket',
      rows: [
        {
          metric: 'bus event → socket p50',
          value: percentile(path, 50),
          unit: 'ms',
          floor: { metric: 'bare ws send p50', value: bareP50 },
        },
        {
          metric: 'bus event → socket p99',
          value: percentile(path, 99),
          unit: 'ms',
          floor: { metric: 'bare ws send p99', value: percentile(floor, 99) },
        },
        {
          metric: 'bus event → socket p50 (against the store)',
          value: percentile(path, 50),
          unit: 'ms',
          floor: { metric: 'one consistent DynamoDB read p50', value: percentile(reads, 50) },
        },
        {
          metric: `bus event → last of ${SOCKETS} sockets p50`,
          value: percentile(broadcast, 50),
          unit: 'ms',
          floor: { metric: 'bus event → socket p50', value: percentile(path, 50) },
        },
        {
          metric: `heap, ${SOCKETS} stream sockets`,
          value: streamHeap,
          unit: 'MiB',
          floor: { metric: `heap, ${SOCKETS} bare ws connections`, value: bareHeap },
        },
      ],
      notes: [
        `${SAMPLES} events one at a time to one subscribed socket (after ${WARMUP} warm-up events); ${BROADCASTS} events to ${SOCKETS} subscribed sockets of one tenant.`,
        "The path: PutEvents to the local EventBridge, the stream rule, the fan-out handler (one transaction for sequence, dedupe marker and log entry that also checks the subscription version; the subscribed sockets from the fan-out's own copy while that version holds; a conditional watermark move per socket) and a POST to the local `@connections`.",
        'Heap: the heap with the sockets open less the heap just before they opened, each after a forced GC and after warm-up sockets; both the client and the server side of every socket live in this one process, for the stream and for the bare `ws` floor alike.',
      ],
    };
  } finally {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    dynamo.destroy();
  }
}

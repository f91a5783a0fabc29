/**
 * Aggregate drain across 1, 2 and 4 broker connections on one machine: each connection has its own
 * paper gateway, tenant, queue (`oms-orders-<id>.fifo`) and bridge child process, as the local
 * stack runs them. The same backlog is queued on every connection before its bridge starts, then
 * placements per second are counted across all gateways. The binding limit is measured in the same
 * run: min(connections × IB's 50 msg/s, the store's own sustained rate for the reads and writes
 * one placement costs the bridge on the same DynamoDB Local).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { GetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../local/dynamodb.ts';
import { startLocalSqs } from '../local/sqs.ts';
import { ensureQueue } from '../local/provision.ts';
import { connectionQueue } from '../core/topology.ts';
import { newConnectionId, type Connection } from '../core/connections/model.ts';
import { toItem } from '../adapters/dynamodb/codec.ts';
import { DynamoConnectionStore } from '../adapters/dynamodb/connection-store.ts';
import { startPaperGateway, type PaperGateway } from '../paper-gateway/index.ts';
import { bridgeWorld, placeOrder, waitFor, type BridgeProcess } from '../test/integration/bridge/harness.ts';
import type { TestTenant } from '../test/support/tenants.ts';
import type { BenchRow, BenchSection } from './types.ts';

const SIZES = [1, 2, 4] as const;
// Per connection: about four seconds of drain at the bridge's 46/s; the run stays under 3 minutes.
const ORDERS_PER_CONNECTION = 200;
const IB_LIMIT = 50;
const STORE_PROBE_MS = 4000;
// Enough concurrent placements to saturate the store: 4 bridges × 4 receivers.
const STORE_PROBE_WORKERS = 16;
const SYMBOLS = ['AAPL', 'AMZN', 'GOOGL', 'NVDA', 'IBM', 'SPY'];

const now = () => performance.timeOrigin + performance.now();

interface Lane {
  connection: Connection;
  gateway: PaperGateway;
  tenant: TestTenant;
}

export default async function bench(): Promise<BenchSection> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const [dynamodb, sqs] = await Promise.all([startDynamoDbLocal(), startLocalSqs()]);
  process.env.OMS_TEST_DYNAMODB_ENDPOINT = dynamodb.endpoint;
  process.env.OMS_TEST_SQS_ENDPOINT = sqs.endpoint;
  process.env.OMS_RATE_LIMIT_TENANT_PER_MINUTE = '10000000';
  process.env.OMS_RATE_LIMIT_USER_PER_MINUTE = '10000000';
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  const world = await bridgeWorld({ seed: 3, tickIntervalMs: 0 });
  const gateways: PaperGateway[] = [];
  const bridges: BridgeProcess[] = [];
  const load: number[] = [];
  try {
    const { dynamo, sqs: sqsClient, tableName } = world.api.resources;
    const connections = new DynamoConnectionStore(
      DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
      tableName,
    );

    // A fresh connection per lane and size, so no bridge starts with another size's working orders.
    const lane = async (n: number): Promise<Lane> => {
      const account = `DU${String(7_000_000 + n)}`;
      const gateway = await startPaperGateway({
        port: 0,
        controlPort: null,
        tickIntervalMs: 0,
        seed: 11 + n,
        account,
      });
      gateways.push(gateway);
      const tenant = await world.tenant({ maxOpenOrders: null });
      const at = new Date().toISOString();
      const connection: Connection = {
        connectionId: newConnectionId(),
        ownerTenantId: tenant.tenantId,
        name: `bench ${n}`,
        broker: 'ib',
        live: false,
        gateway: { kind: 'paper' },
        clientId: 1,
        status: 'connecting',
        accounts: [],
        paperGateway: {
          host: gateway.host,
          port: gateway.port,
          controlUrl: 'http://127.0.0.1:1/',
          controlToken: 'unused',
        },
        createdAt: at,
        updatedAt: at,
      };
      await connections.create(connection);
      await ensureQueue(sqsClient, connectionQueue(connection.connectionId));
      // What the bridge does with the login's managedAccounts: the owner claims the account, and it
      // becomes the tenant's default, so the backlog can be queued before the bridge runs.
      await connections.reportManagedAccounts(connection.connectionId, [account]);
      return { connection, gateway, tenant };
    };

    // Resting limit orders far from the market: a placement is a read, the claim and `submitted`.
    const enqueue = async (lanes: Lane[]) => {
      const ids = new Set<string>();
      await Promise.all(
        lanes.flatMap(({ gateway, tenant }) =>
          Array.from({ length: 4 }, async (_, worker) => {
            for (let i = worker; i < ORDERS_PER_CONNECTION; i += 4) {
              const symbol = SYMBOLS[i % SYMBOLS.length] as string;
              const q = gateway.control.quote(symbol);
              const buy = i % 2 === 0;
              ids.add(
                await placeOrder(world, tenant, {
                  symbol,
                  side: buy ? 'buy' : 'sell',
                  quantity: '1',
                  type: 'limit',
                  limitPrice: (buy ? q.bid * 0.8 : q.ask * 1.2).toFixed(2),
                  timeInForce: 'gtc',
                }),
              );
            }
          }),
        ),
      );
      return ids;
    };

    let laneNo = 0;
    const results: Array<{ size: number; rate: number; violations: number; overlapS: number }> = [];
    for (const size of SIZES) {
      const lanes = await Promise.all(Array.from({ length: size }, () => lane(laneNo++)));
      const ids = await enqueue(lanes);
      load.push(os.loadavg()[0] as number);
      const started = lanes.map(({ connection }) =>
        world.spawnBridge({ OMS_CONNECTION_ID: connection.connectionId, BRIDGE_DRAIN_OUTBOX: 'false' }),
      );
      bridges.push(...started);
      const placed = await waitFor(
        () => {
          const per = lanes.map(({ gateway }) =>
            gateway.control
              .placements()
              .filter((p) => ids.has(p.orderRef))
              .map((p) => p.receivedAt)
              .sort((a, b) => a - b),
          );
          return per.every((t) => t.length >= ORDERS_PER_CONNECTION) ? per : undefined;
        },
        `${size} connection(s) drained`,
        120_000,
      );
      for (const b of started) await b.kill('SIGTERM');
      // Bridges start a second or two apart; the aggregate counts only while every one drains.
      const from = Math.max(...placed.map((t) => t[0] as number));
      const to = Math.min(...placed.map((t) => t.at(-1) as number));
      const inWindow = placed.flat().filter((t) => t >= from && t <= to).length;
      const rate = (inWindow - size) / ((to - from) / 1000);
      const violations = lanes.reduce(
        (sum, { gateway }) =>
          sum + Object.values(gateway.control.pacingViolations()).reduce((a, b) => a + b, 0),
        0,
      );
      results.push({ size, rate, violations, overlapS: (to - from) / 1000 });
    }

    // The store's own rate for one placement's reads and writes: a consistent read of the order,
    // the 5-item claim transaction, the 2-item `submitted` transaction, from as many workers as
    // 4 bridges' receivers, on the same DynamoDB Local, with the bridges stopped.
    load.push(os.loadavg()[0] as number);
    const put = (pk: string, sk: string) => ({
      Put: {
        TableName: tableName,
        Item: toItem({ pk, sk, v: 1, body: 'x'.repeat(600) }),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    let done = 0;
    const until = now() + STORE_PROBE_MS;
    const t0 = now();
    await Promise.all(
      Array.from({ length: STORE_PROBE_WORKERS }, async () => {
        while (now() < until) {
          const id = randomUUID();
          await dynamo.send(
            new GetItemCommand({
              TableName: tableName,
              Key: toItem({ pk: `BENCH#${id}`, sk: 'ORDER' }),
              ConsistentRead: true,
            }),
          );
          await dynamo.send(
            new TransactWriteItemsCommand({
              TransactItems: ['ORDER', 'EVENT#1', 'BROKER', 'REF', 'WORKING'].map((sk) =>
                put(`BENCH#${id}`, sk),
              ),
            }),
          );
          await dynamo.send(
            new TransactWriteItemsCommand({
              TransactItems: ['ORDER#2', 'EVENT#2'].map((sk) => put(`BENCH#${id}`, sk)),
            }),
          );
          done++;
        }
      }),
    );
    const storeRate = done / ((now() - t0) / 1000);

    const rows: BenchRow[] = [];
    for (const r of results) {
      const ib = r.size * IB_LIMIT;
      const binding = Math.min(ib, storeRate);
      rows.push({
        metric: `${r.size} connection(s), ${r.size * ORDERS_PER_CONNECTION} orders: aggregate drain (placements/s at the gateways)`,
        value: Number(r.rate.toFixed(1)),
        unit: 'msg/s',
        floor: {
          metric: `binding limit, min(${r.size} × ${IB_LIMIT} = ${ib}, store ${storeRate.toFixed(0)})`,
          value: Number(binding.toFixed(1)),
        },
      });
      rows.push({
        metric: `${r.size} connection(s): error 100 (pacing violations), all gateways`,
        value: r.violations,
        unit: 'count',
      });
    }
    rows.push({
      metric: 'store: placements/s DynamoDB Local sustains (read + 5-item and 2-item transactions)',
      value: Number(storeRate.toFixed(1)),
      unit: 'placements/s',
    });
    return {
      title: 'Broker connections: aggregate drain across 1, 2 and 4 connections',
      rows,
      notes: [
        `Each connection has its own paper gateway, tenant (owning the connection's account), queue and bridge child process (OMS_CONNECTION_ID), as under npm start; the API, DynamoDB Local and the SQS emulator are shared. ${ORDERS_PER_CONNECTION} resting limit orders are queued per connection before its bridge starts; each size uses fresh connections.`,
        `Bridges start up to a few seconds apart, so the aggregate counts placements only in the window where every bridge of the size is draining (${results.map((r) => `${r.size}: ${r.overlapS.toFixed(1)} s`).join(', ')}).`,
        `Each bridge paces at 46/s with a bucket of 2 (at most 48 in any second), so 0.92 of N × 50 is the most N connections can drain at when IB's limit binds.`,
        `The store probe runs ${STORE_PROBE_WORKERS} workers for ${STORE_PROBE_MS / 1000} s after the drains, with no bridge running; the bridges also pay an SQS receive and delete per order and the reconciliation of their start.`,
        `Machine: ${os.cpus().length} cores; 1-minute load average ${load.map((l) => l.toFixed(1)).join(' / ')} (before each size's drain, then before the store probe). The machine is shared; drains are CPU-bound on it.`,
      ],
    };
  } finally {
    for (const b of bridges) await b.kill('SIGKILL');
    await world.close();
    for (const g of gateways) await g.close();
    await Promise.all([dynamodb.stop(), sqs.stop()]);
  }
}

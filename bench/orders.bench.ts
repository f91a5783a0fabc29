/**
 * POST /orders through the local HTTP gateway (authorizer, validation, risk reads, the order
 * transaction, the queue send), against the floor of the bare DynamoDB transaction and SQS send
 * the handler must make, measured in the same run on the same emulators.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startDynamoDbLocal } from '../local/dynamodb.ts';
import { startLocalSqs } from '../local/sqs.ts';
import { DynamoOrderStore } from '../adapters/dynamodb/order-store.ts';
import { SqsOrderQueue } from '../adapters/sqs/order-queue.ts';
import { newOrderId } from '../core/ids.ts';
import { Dec } from '../core/money.ts';
import { orderEvent } from '../core/orders/events.ts';
import { NewOrderRequest, newOrder, orderView } from '../core/orders/order.ts';
import { tradingDay } from '../core/risk/checks.ts';
import { keyHash, requestHash } from '../core/orders/idempotency.ts';
import { startTestApi } from '../test/support/api.ts';
import { createTestTenant } from '../test/support/tenants.ts';
import { limitOrder, setLimits } from '../test/support/orders.ts';
import { percentile, type BenchRow, type BenchSection } from './types.ts';

const WARM_UP = 100;
const SAMPLES = { 1: 400, 16: 1600 } as const;

/** Runs `op` `total` times with `concurrency` in flight; returns each latency in ms and the wall time. */
async function measure(total: number, concurrency: number, op: () => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const t0 = performance.now();
        await op();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

export default async function bench(): Promise<BenchSection> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const [dynamodb, sqs] = await Promise.all([startDynamoDbLocal(), startLocalSqs()]);
  process.env.OMS_TEST_DYNAMODB_ENDPOINT = dynamodb.endpoint;
  process.env.OMS_TEST_SQS_ENDPOINT = sqs.endpoint;
  process.env.OMS_RATE_LIMIT_TENANT_PER_MINUTE = '10000000';
  process.env.OMS_RATE_LIMIT_USER_PER_MINUTE = '10000000';
  const api = await startTestApi();
  try {
    const tenant = await createTestTenant(api);
    // Every guard on, none of them binding: the transaction has its full shape.
    await setLimits(api, tenant, {
      maxOrderQuantity: '1000000',
      maxOrderNotional: '100000000',
      maxPositionQuantity: '1000000000',
      maxGrossExposure: '100000000000',
      maxOpenOrders: 1_000_000,
      maxOrdersPerSecond: 1_000_000,
      dailyLossLimit: '1000000',
    });
    const { dynamo, sqs: sqsClient, tableName, queueUrls } = api.resources;
    const store = new DynamoOrderStore(dynamo, tableName);
    const queue = new SqsOrderQueue(sqsClient, queueUrls.orders);
    const limits = await store.riskLimits(tenant.tenantId);
    const body = limitOrder({ quantity: '1', limitPrice: '100' });
    const request = NewOrderRequest.parse(body);

    const floor = async () => {
      const now = new Date();
      const id = newOrderId(now.getTime());
      const order = newOrder({
        id,
        tenantId: tenant.tenantId,
        request,
        status: 'pending_new',
        now: now.toISOString(),
        reservation: { quantity: request.quantity, unitPrice: new Dec(100) },
      });
      await store.create({
        order,
        event: orderEvent(order, 'order.accepted', 'bench'),
        idempotency: {
          keyHash: keyHash(randomUUID()),
          record: {
            requestHash: requestHash(body),
            orderId: id,
            response: { status: 201, body: orderView(order) },
          },
        },
        risk: {
          reservation: { side: 'buy', symbol: 'AAPL', quantity: request.quantity, notional: new Dec(100) },
          limits: {
            maxOpenOrders: limits.maxOpenOrders,
            maxGrossExposure: limits.maxGrossExposure,
            maxPositionQuantity: limits.maxPositionQuantity,
            maxOrdersPerSecond: limits.maxOrdersPerSecond,
            dailyLossLimit: limits.dailyLossLimit,
          },
          epochSecond: Math.floor(now.getTime() / 1000),
          day: tradingDay(now),
        },
      });
      await queue.send({ kind: 'place', tenantId: tenant.tenantId, orderId: id, version: 1 });
    };
    const headers = { ...tenant.headers('trader'), 'content-type': 'application/json' };
    const payload = JSON.stringify(body);
    const post = async () => {
      const res = await fetch(`${api.url}/api/v1/orders`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': randomUUID() },
        body: payload,
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`POST /orders answered ${res.status}`);
    };

    await measure(WARM_UP, 4, floor);
    await measure(WARM_UP, 4, post);
    const rows: BenchRow[] = [];
    for (const concurrency of [1, 16] as const) {
      const f = await measure(SAMPLES[concurrency], concurrency, floor);
      const a = await measure(SAMPLES[concurrency], concurrency, post);
      const label = `c=${concurrency}`;
      rows.push(
        {
          metric: `POST /orders p50, ${label}`,
          value: percentile(a.latencies, 50),
          unit: 'ms',
          floor: { metric: 'transaction + send p50', value: percentile(f.latencies, 50) },
        },
        {
          metric: `POST /orders p99, ${label}`,
          value: percentile(a.latencies, 99),
          unit: 'ms',
          floor: { metric: 'transaction + send p99', value: percentile(f.latencies, 99) },
        },
        {
          metric: `POST /orders throughput, ${label}`,
          value: SAMPLES[concurrency] / a.seconds,
          unit: 'orders/s',
          floor: { metric: 'transaction + send throughput', value: SAMPLES[concurrency] / f.seconds },
        },
      );
    }
    return {
      title: 'Orders API: POST /orders through the local gateway',
      rows,
      notes: [
        'The floor is the same 8-item TransactWriteItems (order, idempotency record, first audit event, open-order and exposure counters, symbol position bound, order-rate window, kill-switch and daily-loss checks) and the FIFO SendMessage, made directly with the SDK.',
        'Above the floor the API adds: HTTP, JWT verification, the per-tenant rate-limit counter (one conditional write), and one round of parallel reads (idempotency record, limits, kill switch, quote).',
        `Samples: ${SAMPLES[1]} at c=1, ${SAMPLES[16]} at c=16, after ${WARM_UP} warm-up calls each; DynamoDB Local in memory and the SQS emulator on loopback.`,
      ],
    };
  } finally {
    await api.close();
    await Promise.all([dynamodb.stop(), sqs.stop()]);
  }
}

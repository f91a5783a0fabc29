/**
 * Strategies: a callback in the QuickJS sandbox against the same strategy code called as a plain
 * function, and an order placed by a strategy in reaction to an event (host → tenant sandbox
 * process → order use case) against the bare POST /orders, on the same emulators in the same run.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../local/dynamodb.ts';
import { startLocalSqs } from '../local/sqs.ts';
import { DynamoExecutionStore } from '../adapters/dynamodb/execution-store.ts';
import { DynamoOrderStore } from '../adapters/dynamodb/order-store.ts';
import { DynamoQuoteCache } from '../adapters/dynamodb/quote-cache.ts';
import { DynamoQuoteSource } from '../adapters/dynamodb/quote-source.ts';
import { DynamoStrategyStore } from '../adapters/dynamodb/strategy-store.ts';
import { SqsOrderQueue } from '../adapters/sqs/order-queue.ts';
import { DynamoConnectionStore } from '../adapters/dynamodb/connection-store.ts';
import { StoreOrderRouter } from '../adapters/dynamodb/order-routes.ts';
import { DEFAULT_LIMITS, type CallbackSnapshot } from '../core/strategies/callbacks.ts';
import { createStrategy, startStrategy } from '../core/strategies/service.ts';
import { compileStrategy } from '../strategies/compile.ts';
import { StrategyHost } from '../strategies/host.ts';
import { loadStrategy } from '../strategies/sandbox.ts';
import { TenantProcess } from '../strategies/tenant-process.ts';
import sma from '../examples/strategies/sma-crossover.ts';
import { startTestApi } from '../test/support/api.ts';
import { createTestTenant } from '../test/support/tenants.ts';
import { limitOrder, postOrder, setLimits } from '../test/support/orders.ts';
import { percentile, type BenchRow, type BenchSection } from './types.ts';

const CALLBACKS = 3000;
const ORDERS = 200;
const SMA_SOURCE = readFileSync(new URL('../examples/strategies/sma-crossover.ts', import.meta.url), 'utf8');

function snapshot(i: number, state: Record<string, unknown>): CallbackSnapshot {
  return {
    strategyId: 'bench',
    version: 1,
    params: { fast: 5, slow: 20, quantity: 10 },
    state,
    now: 1_700_000_000_000 + i * 60_000,
    seed: i,
    positions: {},
    orders: [],
    orderPrefix: `b${i}`,
  };
}

const bar = (i: number) => ({
  symbol: 'AAPL',
  time: new Date(1_700_000_000_000 + i * 60_000).toISOString(),
  open: 100,
  high: 101,
  low: 99,
  close: 100 + 5 * Math.sin(i / 7),
  volume: 1000,
});

async function callbacks(): Promise<BenchRow[]> {
  // The same strategy as a plain function: a ctx of plain objects, no sandbox.
  const plain: number[] = [];
  let plainState: Record<string, unknown> = {};
  for (let i = 0; i < CALLBACKS; i++) {
    const actions: unknown[] = [];
    const ctx = {
      state: plainState,
      params: { fast: 5, slow: 20, quantity: 10 },
      now: 0,
      position: () => 0,
      orders: () => [],
      placeOrder: (b: unknown) => (actions.push(b), 'x'),
      cancelOrder: () => undefined,
      log: () => undefined,
      warn: () => undefined,
      random: () => 0.5,
      setTimer: () => undefined,
      strategyId: 'bench',
      version: 1,
    };
    const t0 = performance.now();
    sma.onBar?.(ctx as never, bar(i));
    plainState = JSON.parse(JSON.stringify(ctx.state)) as Record<string, unknown>;
    plain.push(performance.now() - t0);
  }
  const compiled = await compileStrategy(SMA_SOURCE);
  const sandbox = await loadStrategy(compiled);
  if ('failure' in sandbox) throw new Error(sandbox.failure.detail);
  const inSandbox: number[] = [];
  let state: Record<string, unknown> = {};
  for (let i = 0; i < CALLBACKS; i++) {
    const t0 = performance.now();
    const r = await sandbox.call({ handler: 'onBar', arg: bar(i), snapshot: snapshot(i, state) });
    inSandbox.push(performance.now() - t0);
    if (r.ok) state = r.output.state;
  }
  sandbox.dispose();
  const proc = new TenantProcess('bench');
  await proc.load('k', compiled, DEFAULT_LIMITS);
  const viaProcess: number[] = [];
  state = {};
  for (let i = 0; i < CALLBACKS; i++) {
    const t0 = performance.now();
    const r = await proc.call('k', { handler: 'onBar', arg: bar(i), snapshot: snapshot(i, state) });
    viaProcess.push(performance.now() - t0);
    if (r.ok) state = r.output.state;
  }
  proc.close();
  const floor = (p: number) => ({ metric: `plain function call p${p}`, value: percentile(plain, p) });
  return [
    {
      metric: 'SMA onBar in the sandbox p50',
      value: percentile(inSandbox, 50),
      unit: 'ms',
      floor: floor(50),
    },
    {
      metric: 'SMA onBar in the sandbox p99',
      value: percentile(inSandbox, 99),
      unit: 'ms',
      floor: floor(99),
    },
    {
      metric: 'SMA onBar in the tenant process (IPC + sandbox) p50',
      value: percentile(viaProcess, 50),
      unit: 'ms',
      floor: floor(50),
    },
  ];
}

const REACTOR = `export default {
  onOrder(ctx, order) {
    ctx.placeOrder({ symbol: 'AAPL', side: 'buy', quantity: 1, type: 'limit', limitPrice: '100' });
  },
};`;

async function eventToOrder(): Promise<BenchRow[]> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const [dynamodb, sqs] = await Promise.all([startDynamoDbLocal(), startLocalSqs()]);
  process.env.OMS_TEST_DYNAMODB_ENDPOINT = dynamodb.endpoint;
  process.env.OMS_TEST_SQS_ENDPOINT = sqs.endpoint;
  process.env.OMS_RATE_LIMIT_TENANT_PER_MINUTE = '10000000';
  const api = await startTestApi();
  try {
    const tenant = await createTestTenant(api);
    await setLimits(api, tenant, {
      maxOrdersPerSecond: null,
      maxOpenOrders: 1_000_000,
      priceCollarPercent: null,
    });
    const { resources } = api;
    const dynamo = resources.dynamo as DynamoDBClient;
    const store = new DynamoStrategyStore(dynamo, resources.tableName);
    const actor = { tenantId: tenant.tenantId, principal: 'user:bench' };
    const created = await createStrategy({ store, compile: compileStrategy }, actor, {
      name: 'reactor',
      source: REACTOR,
      symbols: ['AAPL'],
    });
    await startStrategy({ store }, actor, created.id);
    const host = new StrategyHost({
      store,
      orders: {
        store: new DynamoOrderStore(dynamo, resources.tableName),
        queue: new SqsOrderQueue(resources.sqs, resources.queueUrls.orders),
        quotes: new DynamoQuoteSource(dynamo, resources.tableName),
        routes: new StoreOrderRouter(new DynamoConnectionStore(dynamo, resources.tableName)),
      },
      positions: new DynamoExecutionStore(dynamo, resources.tableName),
      quotes: new DynamoQuoteCache(dynamo, resources.tableName, { ttlSeconds: 60 }),
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      limits: { ...DEFAULT_LIMITS, ordersPerMinute: 1_000_000 },
    });
    await host.refresh();
    const viaStrategy: number[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const t0 = performance.now();
      await host.onBusEvent({
        detailType: 'order.submitted',
        detail: {
          eventId: `bench-${i}`,
          tenantId: tenant.tenantId,
          at: new Date().toISOString(),
          data: { order: { id: `o${i}`, symbol: 'AAPL', source: { strategyId: created.id, version: 1 } } },
        },
      });
      viaStrategy.push(performance.now() - t0);
    }
    await host.close();
    const bare: number[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const t0 = performance.now();
      const res = await postOrder(api, tenant, limitOrder({ limitPrice: '100', quantity: '1' }));
      if (res.status !== 201) throw new Error(`POST /orders → ${res.status}`);
      bare.push(performance.now() - t0);
    }
    const floor = (p: number) => ({ metric: `bare POST /orders p${p}`, value: percentile(bare, p) });
    return [
      {
        metric: 'event → strategy → order accepted (state and logs saved) p50',
        value: percentile(viaStrategy, 50),
        unit: 'ms',
        floor: floor(50),
      },
      {
        metric: 'event → strategy → order accepted (state and logs saved) p99',
        value: percentile(viaStrategy, 99),
        unit: 'ms',
        floor: floor(99),
      },
    ];
  } finally {
    await api.close();
    await Promise.all([dynamodb.stop(), sqs.stop()]);
  }
}

export default async function bench(): Promise<BenchSection> {
  const rows = [...(await callbacks()), ...(await eventToOrder())];
  return {
    title: 'Strategies',
    rows,
    notes: [
      `${CALLBACKS} onBar calls of the SMA crossover example (examples/strategies/sma-crossover.ts), after one load; the plain call runs the same module imported directly, with a plain ctx.`,
      'The sandbox figure includes the JSON snapshot in and the JSON output out, and validating the output; the tenant-process figure adds the Node IPC round trip to the sandbox process.',
      `${ORDERS} order events to a running strategy whose onOrder places one order: reading positions and working orders, the callback in the tenant process, POST /orders' use case in-process, then saving state and stats; against ${ORDERS} POST /orders through the local HTTP gateway (authorizer included).`,
    ],
  };
}

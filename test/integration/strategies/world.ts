/**
 * Strategy test world: the API in-process, a paper gateway and the bridge (as in the bridge
 * tests), the local event bus delivering to the real queues, and the strategy host in-process
 * with its tenants' sandboxes in child processes.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { eventBus, rules } from '../../../core/topology.ts';
import { DEFAULT_LIMITS, type CallbackLimits } from '../../../core/strategies/callbacks.ts';
import { marketDataConfig, type MarketDataConfig } from '../../../core/marketdata/config.ts';
import { sqsDeliverer, startEventRouter, type EventRouter } from '../../../local/event-router/router.ts';
import { startStrategyHost, type RunningHost } from '../../../strategies/run.ts';
import type { TestTenant } from '../../support/tenants.ts';
import type { AnyJson } from '../../support/api.ts';
import { bridgeWorld, memoryLogger, waitFor, type BridgeWorld } from '../bridge/harness.ts';

export interface StrategyWorld {
  world: BridgeWorld;
  bus: EventRouter;
  host(): RunningHost;
  startHost(limits?: Partial<CallbackLimits>, marketData?: Partial<MarketDataConfig>): Promise<RunningHost>;
  stopHost(): Promise<void>;
  upload(tenant: TestTenant, body: Record<string, unknown>): Promise<string>;
  start(tenant: TestTenant, id: string): Promise<void>;
  strategy(tenant: TestTenant, id: string): Promise<AnyJson>;
  /** Waits until the strategy is `failed` and returns its failure. */
  failed(tenant: TestTenant, id: string): Promise<{ code: string; detail: string }>;
  ordersOf(tenant: TestTenant, strategyId: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export async function strategyWorld(): Promise<StrategyWorld> {
  const world = await bridgeWorld();
  const bus = await startEventRouter({
    rules,
    busName: eventBus.name,
    deliver: sqsDeliverer(world.api.resources.sqs, world.api.resources.queueUrls),
  });
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
  const bridge = await world.startBridge({ drainOutbox: true });
  await waitFor(() => bridge.ready, 'bridge ready');
  let running: RunningHost | undefined;
  const { resources } = world.api;
  const sw: StrategyWorld = {
    world,
    bus,
    host: () => {
      if (!running) throw new Error('no host');
      return running;
    },
    startHost: async (limits = {}, marketData = {}) => {
      running = await startStrategyHost({
        dynamo: resources.dynamo as DynamoDBClient,
        sqs: resources.sqs,
        tableName: resources.tableName,
        ordersQueueUrl: resources.queueUrls.orders,
        eventsQueueUrl: (resources.queueUrls as Record<string, string>).strategies as string,
        log: memoryLogger(process.env.STRATEGY_TEST_LOG === '1'),
        quotePollMs: 200,
        timerPollMs: 100,
        refreshMs: 500,
        waitSeconds: 1,
        limits: { ...DEFAULT_LIMITS, ...limits },
        marketData: { ...marketDataConfig(process.env), ...marketData },
      });
      return running;
    },
    stopHost: async () => {
      await running?.stop();
      running = undefined;
    },
    upload: async (tenant, body) => {
      const res = await world.api.request('POST', '/api/v1/strategies', {
        body,
        headers: tenant.headers('trader'),
      });
      if (res.status !== 201) throw new Error(`POST /strategies → ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    },
    start: async (tenant, id) => {
      const res = await world.api.request('POST', `/api/v1/strategies/${id}/start`, {
        headers: tenant.headers('trader'),
      });
      if (res.status !== 200) throw new Error(`start → ${res.status} ${JSON.stringify(res.body)}`);
    },
    strategy: async (tenant, id) => {
      const res = await world.api.request('GET', `/api/v1/strategies/${id}`, {
        headers: tenant.headers('viewer'),
      });
      if (res.status !== 200) throw new Error(`GET strategy → ${res.status}`);
      return res.body;
    },
    failed: async (tenant, id) =>
      waitFor(
        async () => {
          const s = await sw.strategy(tenant, id);
          return s.status === 'failed' ? (s.failure as { code: string; detail: string }) : undefined;
        },
        `strategy ${id} to fail`,
        60_000,
      ),
    ordersOf: async (tenant, strategyId) => {
      const res = await world.api.request('GET', '/api/v1/orders?limit=100', {
        headers: tenant.headers('trader'),
      });
      return (res.body.items as Array<Record<string, unknown>>).filter(
        (o) => (o.source as { strategyId?: string } | undefined)?.strategyId === strategyId,
      );
    },
    close: async () => {
      await running?.stop();
      await world.close();
      await bus.close();
    },
  };
  return sw;
}

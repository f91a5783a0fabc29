/**
 * Bridge test harness: the API in-process (private table and queues), a paper gateway, and the
 * bridge in-process (or as a child process, as the local stack and ECS run it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { postOrder, setLimits } from '../../support/orders.ts';
import {
  startPaperGateway,
  type PaperGateway,
  type PaperGatewayOptions,
} from '../../../paper-gateway/index.ts';
import { startBridge, type Bridge } from '../../../ib-bridge/bridge.ts';
import type { BridgeConfig } from '../../../ib-bridge/config.ts';
import { TestExecutionStore } from '../../support/execution-reads.ts';
import type { Logger } from '../../../ib-bridge/log.ts';
import { superviseBridge, type SupervisedBridge } from '../../../local/supervisor.ts';

export const projectRoot = resolve(import.meta.dirname, '../../..');

/** Polls until `check` returns something truthy; the deadline is only a safety net. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A logger that keeps lines for assertions and prints warnings and errors only when asked. */
export function memoryLogger(
  print = process.env.BRIDGE_TEST_LOG === '1',
): Logger & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const add = (level: string) => (message: string, data?: Record<string, unknown>) => {
    lines.push({ level, message, ...data });
    if (print) console.log(level, message, JSON.stringify(data ?? {}));
  };
  return { lines, info: add('info'), warn: add('warn'), error: add('error') };
}

export interface BridgeWorld {
  api: TestApi;
  gateway: PaperGateway;
  store: TestExecutionStore;
  config(overrides?: Partial<BridgeConfig>): BridgeConfig;
  /** Starts the bridge in this process. */
  startBridge(overrides?: Partial<BridgeConfig>): Promise<Bridge & { log: ReturnType<typeof memoryLogger> }>;
  /** Starts the bridge as a child process (as `npm start` and ECS run it). */
  spawnBridge(overrides?: Record<string, string>): BridgeProcess;
  /** Runs the bridge as a child process restarted whenever it dies (as the local stack does). */
  superviseBridge(overrides?: Record<string, string>): SupervisedBridge & { output: string[] };
  tenant(limits?: Record<string, unknown>): Promise<TestTenant>;
  close(): Promise<void>;
}

export interface BridgeProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

let nextClientId = 10;

/** The environment a bridge child needs for this world's resources and gateway. */
function childEnv(c: BridgeConfig): Record<string, string> {
  return {
    IB_HOST: c.ib.host,
    IB_PORT: String(c.ib.port),
    IB_CLIENT_ID: String(c.ib.clientId),
    BRIDGE_HEALTH_PORT: '0',
    BRIDGE_VISIBILITY_SECONDS: String(c.visibilitySeconds),
    BRIDGE_WAIT_SECONDS: String(c.waitSeconds),
    BRIDGE_HEARTBEAT_MS: String(c.heartbeatMs),
    BRIDGE_DRAIN_OUTBOX: String(c.drainOutbox),
  };
}

/** Everything a bridge test needs; call close() in afterAll. */
export async function bridgeWorld(gatewayOptions: PaperGatewayOptions = {}): Promise<BridgeWorld> {
  const api = await startTestApi();
  const gateway = await startPaperGateway({
    port: 0,
    controlPort: null,
    tickIntervalMs: 0,
    seed: 7,
    ...gatewayOptions,
  });
  const store = new TestExecutionStore(api.resources.dynamo as DynamoDBClient, api.resources.tableName);
  const bridges: Bridge[] = [];
  const supervised: SupervisedBridge[] = [];
  const children: BridgeProcess[] = [];
  const clientId = nextClientId++;
  const config = (overrides: Partial<BridgeConfig> = {}): BridgeConfig => ({
    ib: { host: gateway.host, port: gateway.port, clientId, account: undefined },
    tableName: api.resources.tableName,
    ordersQueueUrl: api.resources.queueUrls.orders,
    eventBusName: 'oms-events',
    healthPort: 0,
    maxMessagesPerSecond: 46,
    burst: 2,
    visibilitySeconds: 5,
    receivers: 4,
    waitSeconds: 1,
    heartbeatMs: 1000,
    outboxIntervalMs: 200,
    drainOutbox: false,
    ...overrides,
  });
  return {
    api,
    gateway,
    store,
    config,
    startBridge: async (overrides = {}) => {
      const log = memoryLogger();
      const bridge = await startBridge(config(overrides), { log });
      bridges.push(bridge);
      return Object.assign(bridge, { log });
    },
    superviseBridge: (env = {}) => {
      const output: string[] = [];
      const s = superviseBridge({
        projectRoot,
        env: { NODE_OPTIONS: '', ...childEnv(config()), ...env },
        onLine: (line) => {
          output.push(line);
          if (process.env.BRIDGE_TEST_LOG === '1') console.log(line);
        },
      });
      supervised.push(s);
      return Object.assign(s, { output });
    },
    spawnBridge: (env = {}) => {
      const c = config();
      const output: string[] = [];
      const child = spawn(process.execPath, [resolve(projectRoot, 'ib-bridge/main.ts')], {
        cwd: projectRoot,
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          IB_HOST: c.ib.host,
          IB_PORT: String(c.ib.port),
          IB_CLIENT_ID: String(c.ib.clientId),
          BRIDGE_HEALTH_PORT: '0',
          BRIDGE_VISIBILITY_SECONDS: String(c.visibilitySeconds),
          BRIDGE_WAIT_SECONDS: '1',
          BRIDGE_HEARTBEAT_MS: '1000',
          BRIDGE_DRAIN_OUTBOX: 'false',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (b: Buffer) => output.push(...b.toString().split('\n').filter(Boolean)));
      child.stderr?.on('data', (b: Buffer) => output.push(...b.toString().split('\n').filter(Boolean)));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const proc: BridgeProcess = {
        child,
        output,
        exited,
        kill: async (signal = 'SIGKILL') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      };
      children.push(proc);
      return proc;
    },
    tenant: async (limits = {}) => {
      const tenant = await createTestTenant(api);
      await setLimits(api, tenant, { maxOrdersPerSecond: null, ...limits });
      return tenant;
    },
    close: async () => {
      for (const s of supervised) await s.stop(5000);
      for (const c of children) await c.kill('SIGKILL');
      for (const b of bridges) await b.stop().catch(() => undefined);
      await gateway.close();
      await api.close();
    },
  };
}

/** POSTs an order and returns its id (throws unless accepted). */
export async function placeOrder(
  world: BridgeWorld,
  tenant: TestTenant,
  body: Record<string, unknown>,
): Promise<string> {
  const res = await postOrder(world.api, tenant, body);
  if (res.status !== 201) throw new Error(`POST /orders → ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** GET /orders/{id}. */
export async function getOrder(world: BridgeWorld, tenant: TestTenant, id: string) {
  const res = await world.api.request('GET', `/api/v1/orders/${id}`, { headers: tenant.headers('trader') });
  if (res.status !== 200) throw new Error(`GET /orders/${id} → ${res.status}`);
  return res.body;
}

/** Waits until the order is in `status` (or any of them). */
export function orderIn(
  world: BridgeWorld,
  tenant: TestTenant,
  id: string,
  status: string | string[],
  timeoutMs?: number,
) {
  const wanted = Array.isArray(status) ? status : [status];
  return waitFor(
    async () => {
      const o = await getOrder(world, tenant, id);
      return wanted.includes(o.status) ? o : undefined;
    },
    `order ${id} to be ${wanted.join('|')}`,
    timeoutMs,
  );
}

/** The order's audit trail types. */
export async function eventTypes(world: BridgeWorld, tenant: TestTenant, id: string): Promise<string[]> {
  const res = await world.api.request('GET', `/api/v1/orders/${id}/events`, {
    headers: tenant.headers('trader'),
  });
  return (res.body.items as Array<{ type: string }>).map((e) => e.type);
}

/**
 * The risk counters the API's order transaction checks, recomputed from what they stand for
 * (working orders' unfilled reservations and positions at cost) and read back from the store.
 */
export async function countersCheck(world: BridgeWorld, tenantId: string) {
  const { orderContribution, positionContribution } = await import('../../../core/risk/exposure.ts');
  const { Dec } = await import('../../../core/money.ts');
  const working = await world.store.orders.workingOrders(tenantId);
  const positions = await world.store.positions(tenantId);
  const symbols = [...new Set([...working.map((o) => o.symbol), ...positions.map((p) => p.symbol)])].sort();
  const expected = {
    openOrders: 0,
    exposure: new Dec(0),
    bySymbol: {} as Record<string, { maxLong: string; maxShort: string; position: string }>,
  };
  const sums: Record<
    string,
    {
      maxLong: InstanceType<typeof Dec>;
      maxShort: InstanceType<typeof Dec>;
      position: InstanceType<typeof Dec>;
    }
  > = {};
  for (const s of symbols) sums[s] = { maxLong: new Dec(0), maxShort: new Dec(0), position: new Dec(0) };
  for (const o of working) {
    const c = orderContribution(o);
    expected.openOrders += c.openOrders;
    expected.exposure = expected.exposure.plus(c.exposure);
    const s = sums[o.symbol]!;
    s.maxLong = s.maxLong.plus(c.maxLong);
    s.maxShort = s.maxShort.plus(c.maxShort);
  }
  for (const p of positions) {
    const c = positionContribution(p);
    expected.exposure = expected.exposure.plus(c.exposure);
    const s = sums[p.symbol]!;
    s.maxLong = s.maxLong.plus(c.maxLong);
    s.maxShort = s.maxShort.plus(c.maxShort);
    s.position = s.position.plus(c.position);
  }
  for (const s of symbols) {
    const v = sums[s]!;
    expected.bySymbol[s] = {
      maxLong: v.maxLong.toFixed(),
      maxShort: v.maxShort.toFixed(),
      position: v.position.toFixed(),
    };
  }
  const stored = await world.store.riskCounters(tenantId, symbols);
  const actual = {
    openOrders: stored.openOrders,
    exposure: stored.exposure.toFixed(),
    bySymbol: Object.fromEntries(
      Object.entries(stored.bySymbol).map(([s, v]) => [
        s,
        { maxLong: v.maxLong.toFixed(), maxShort: v.maxShort.toFixed(), position: v.position.toFixed() },
      ]),
    ),
  };
  return { expected: { ...expected, exposure: expected.exposure.toFixed() }, actual };
}

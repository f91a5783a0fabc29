/**
 * The bridge: one TWS socket, the orders queue, the order actors, reconciliation on every
 * (re)connect, the outbox drainer, the heartbeat and the health server, wired together.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoExecutionStore } from '../adapters/dynamodb/execution-store.ts';
import { startOutboxDrainer, type OutboxDrainer } from '../adapters/outbox/drain.ts';
import { fromIbSymbol } from '../core/bridge/mapping.ts';
import { Dec } from '../core/money.ts';
import type { BridgeConfig } from './config.ts';
import { BrokerConnection } from './connection.ts';
import { startHealthServer, type HealthServer } from './health.ts';
import { OrderIdAllocator } from './ids.ts';
import { jsonLogger, type Logger } from './log.ts';
import { OrderRouter } from './orders.ts';
import { QueueConsumer } from './consumer.ts';
import { sleep } from './keyed.ts';
import { DynamoQuoteCache } from '../adapters/dynamodb/quote-cache.ts';
import { DynamoSubscriptionStore } from '../adapters/dynamodb/subscriptions-store.ts';
import { marketDataConfig } from '../core/marketdata/config.ts';
import { followConnection, startMarketData } from './market-data/index.ts';

/** Executions are asked for from a little before the last reconciliation, to cover clock skew. */
const WATERMARK_MARGIN_MS = 10 * 60_000;

export interface Bridge {
  config: BridgeConfig;
  store: DynamoExecutionStore;
  broker: BrokerConnection;
  router: OrderRouter;
  consumer: QueueConsumer;
  health: HealthServer;
  /** Connected to the broker and reconciled: new commands are taken. */
  readonly ready: boolean;
  /** Completed reconciliations. */
  readonly reconciliations: number;
  /** Resolves at the next completed reconciliation. */
  reconciled(): Promise<void>;
  /** SIGTERM: stop receiving, finish what is in hand, publish the outbox, close the socket. */
  stop(): Promise<void>;
}

/** Starts the bridge; it connects (and reconnects) on its own. */
export async function startBridge(config: BridgeConfig, options: { log?: Logger } = {}): Promise<Bridge> {
  const log = options.log ?? jsonLogger();
  const dynamo = new DynamoDBClient({});
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const events = new EventBridgeClient({});
  const store = new DynamoExecutionStore(dynamo, config.tableName);
  const clientId = config.ib.clientId;
  const broker = new BrokerConnection({
    host: config.ib.host,
    port: config.ib.port,
    clientId,
    maxMessagesPerSecond: config.maxMessagesPerSecond,
    burst: config.burst,
    log,
  });
  const ids = new OrderIdAllocator(store, clientId);

  let ready = false;
  let draining = false;
  let reconciliations = 0;
  let readyWaiters: Array<() => void> = [];
  let reconciledWaiters: Array<() => void> = [];
  let queueOk = true;
  const setReady = (value: boolean) => {
    ready = value;
    if (value) {
      for (const w of readyWaiters.splice(0)) w();
    }
    void beat();
  };
  const whenReady = () => (ready ? Promise.resolve() : new Promise<void>((r) => readyWaiters.push(r)));

  let drainer: OutboxDrainer | undefined;
  if (config.drainOutbox) {
    drainer = startOutboxDrainer({
      doc: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
      events,
      tableName: config.tableName,
      busName: config.eventBusName,
      intervalMs: config.outboxIntervalMs,
      logger: log,
      onError: (error) => log.warn('outbox drain failed; retried next round', { error: String(error) }),
    });
  }

  let executionsPending: NodeJS.Timeout | null = null;
  let watermark: string | undefined;
  const filterTime = (iso: string | undefined) => {
    if (!iso) return '';
    const d = new Date(Date.parse(iso) - WATERMARK_MARGIN_MS);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  };
  const requestExecutions = () => {
    if (executionsPending) return;
    executionsPending = setTimeout(() => {
      executionsPending = null;
      if (!broker.up) return;
      broker
        .executions({ time: filterTime(watermark) } as never)
        .catch((error: unknown) => log.warn('executions request failed', { error: String(error) }));
    }, 200);
    executionsPending.unref();
  };

  const router = new OrderRouter({
    store,
    broker,
    ids,
    clientId,
    account: config.ib.account,
    log,
    requestExecutions,
    whenReady,
    onCommitted: () => drainer?.kick(),
  });

  broker.on('orderStatus', (orderId, status, filled, _remaining, _avg, permId, cid) => {
    if (cid !== undefined && cid !== clientId && cid !== 0) return;
    router.onOrderStatus(orderId, status, filled, permId);
  });
  broker.on('openOrder', (m) => router.onOpenOrder(m));
  broker.on('completedOrder', (m) =>
    router.onCompletedOrder(m.order, String(m.state.status ?? ''), m.state.completedStatus),
  );
  broker.on('execDetails', (m) => router.onExecution(m));
  broker.on('commissionReport', (r) => router.onCommission(r));
  broker.on('orderError', (id, code, message) => {
    if (code === 100) log.error('IB pacing violation (error 100)', { message });
    router.onOrderError(id, code, message);
  });
  broker.on('notice', (code, message) => {
    if (code >= 2100 && code < 2200) return;
    log.info('broker notice', { code, message });
  });

  let reconciling: Promise<void> | undefined;
  let reconcileAgain = false;
  const reconcile = (why: string) => {
    setReady(false);
    if (reconciling) {
      reconcileAgain = true;
      return;
    }
    reconciling = (async () => {
      do {
        reconcileAgain = false;
        const session = broker.sessions;
        const started = new Date().toISOString();
        try {
          await runReconciliation(why, session);
          if (session !== broker.sessions || !broker.up) continue;
          reconciliations++;
          watermark = started;
          await store.setExecWatermark(clientId, started).catch(() => undefined);
          for (const w of reconciledWaiters.splice(0)) w();
          if (!reconcileAgain) setReady(true);
        } catch (error) {
          log.warn('reconciliation failed; retried', { why, error: String(error) });
          if (!broker.up) break;
          await sleep(1000);
          reconcileAgain = true;
        }
      } while (reconcileAgain && broker.up && !draining);
    })().finally(() => {
      reconciling = undefined;
    });
  };

  /**
   * Asks the broker what it holds before anything is placed: open orders (ours, other clients',
   * hand-entered), orders that ended, executions since the last reconciliation (each applied once),
   * positions. Routed orders the broker does not hold are then settled, but only while the session
   * that answered is still the current one: what a dropped session said is incomplete, and
   * settling on it would cancel orders the broker still works.
   */
  async function runReconciliation(why: string, session: number): Promise<void> {
    const sessionChanged = () => broker.sessions !== session || !broker.up;
    const t0 = Date.now();
    const routes = await store.workingRoutes(clientId);
    for (const r of routes) router.remember(r);
    if (!watermark) watermark = (await store.state(clientId)).execWatermark;
    const open = await broker.openOrders();
    const completed = await broker.completedOrders();
    const execs = await broker.executions({ time: filterTime(watermark) } as never);
    await router.idle();
    if (sessionChanged()) return;
    let settled = 0;
    for (const route of routes) {
      if (router.knownAtBroker(route.orderId)) continue;
      router.settle(route);
      settled++;
    }
    await router.idle();
    const mismatches = await comparePositions().catch((error: unknown) => {
      log.warn('position comparison failed', { error: String(error) });
      return [];
    });
    log.info('reconciled with the broker', {
      why,
      ms: Date.now() - t0,
      working: routes.length,
      openAtBroker: open.length,
      completedAtBroker: completed.length,
      executions: execs.length,
      settled,
      positionMismatches: mismatches.length,
    });
  }

  /** The broker's positions against the house positions (the sum over tenants). */
  async function comparePositions() {
    const [atBroker, house] = await Promise.all([broker.positions(), store.housePositions()]);
    const key = (account: string, symbol: string) => `${account}|${symbol}`;
    const ours = new Map(house.map((h) => [key(h.account, h.symbol), h.quantity]));
    const mismatches: Array<{ account: string; symbol: string; broker: string; oms: string }> = [];
    for (const p of atBroker) {
      const symbol = fromIbSymbol(p.contract.symbol ?? '');
      const k = key(p.account, symbol);
      const oms = ours.get(k) ?? new Dec(0);
      ours.delete(k);
      const theirs = new Dec(String(p.pos));
      if (!theirs.eq(oms))
        mismatches.push({ account: p.account, symbol, broker: theirs.toFixed(), oms: oms.toFixed() });
    }
    for (const [k, q] of ours) {
      if (q.isZero()) continue;
      const [account = '', symbol = ''] = k.split('|');
      mismatches.push({ account, symbol, broker: '0', oms: q.toFixed() });
    }
    // Hand-entered trades explain some; the rest needs a look.
    if (mismatches.length) log.warn('positions differ between the broker and the OMS', { mismatches });
    return mismatches;
  }

  broker.on('session', (nextValidId) => {
    ids.raiseFloor(nextValidId);
    router.newSession();
    reconcile('session');
  });
  broker.on('restored', (dataLost) => reconcile(dataLost ? '1101' : '1102'));
  broker.on('down', () => setReady(false));

  // Market data follows the wanted list on its own; each session (and 1101/1102) reopens its lines.
  const mdConfig = marketDataConfig(process.env);
  const marketData = startMarketData({
    link: broker,
    quoteCache: new DynamoQuoteCache(dynamo, config.tableName, { ttlSeconds: mdConfig.quoteTtlSeconds }),
    subscriptions: new DynamoSubscriptionStore(dynamo, config.tableName),
    config: mdConfig,
    logger: log,
  });
  followConnection(broker, marketData);

  const consumer = new QueueConsumer({
    sqs,
    queueUrl: config.ordersQueueUrl,
    receivers: config.receivers,
    waitSeconds: config.waitSeconds,
    visibilitySeconds: config.visibilitySeconds,
    log,
    accepting: () => ready && !draining,
    whenAccepting: whenReady,
    handle: (command) => router.command(command),
  });

  const brokerName = `${config.ib.host}:${config.ib.port}`;
  async function beat(): Promise<void> {
    try {
      await store.heartbeat({
        brokerConnected: broker.up && ready,
        broker: brokerName,
        clientId,
        ready,
        state: broker.state,
        sessions: broker.sessions,
        reconciliations,
        inFlight: consumer.inFlight,
        ...router.stats,
        pid: process.pid,
      });
    } catch (error) {
      log.warn('heartbeat failed', { error: String(error) });
    }
  }
  const heartbeat = setInterval(() => void beat(), config.heartbeatMs);
  heartbeat.unref();
  const queueCheck = setInterval(() => {
    sqs
      .send(new GetQueueAttributesCommand({ QueueUrl: config.ordersQueueUrl, AttributeNames: ['QueueArn'] }))
      .then(
        () => (queueOk = true),
        () => (queueOk = false),
      );
  }, 10_000);
  queueCheck.unref();

  const health = await startHealthServer(config.healthPort, () => ({
    alive: true,
    ready: ready && broker.up && queueOk && !draining,
    detail: {
      broker: {
        connected: broker.up,
        state: broker.state,
        endpoint: brokerName,
        clientId,
        sessions: broker.sessions,
      },
      reconciled: ready,
      reconciliations,
      queue: { reachable: queueOk, inFlight: consumer.inFlight, handled: consumer.handled },
      draining,
      stats: router.stats,
    },
  }));

  broker.start();
  consumer.start();
  void beat();

  let stopping: Promise<void> | undefined;
  return {
    config,
    store,
    broker,
    router,
    consumer,
    health,
    get ready() {
      return ready;
    },
    get reconciliations() {
      return reconciliations;
    },
    reconciled: () => new Promise<void>((r) => reconciledWaiters.push(r)),
    stop: () =>
      (stopping ??= (async () => {
        draining = true;
        log.info('draining: no new commands; finishing those in hand');
        await consumer.stop();
        await router.idle(10_000);
        await drainer?.stop();
        setReady(false);
        clearInterval(heartbeat);
        clearInterval(queueCheck);
        if (executionsPending) clearTimeout(executionsPending);
        await beat();
        await marketData.stop();
        broker.close();
        router.close();
        readyWaiters = [];
        reconciledWaiters = [];
        await health.close();
        dynamo.destroy();
        sqs.destroy();
        events.destroy();
        log.info('stopped');
      })()),
  };
}

/**
 * The bridge: one TWS socket, the orders queue, the order router, reconciliation on every
 * (re)connect, the outbox drainer, the heartbeat and the health server, wired together.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { bridgeStores, type BridgeStores } from '../adapters/bridge-stores.ts';
import {
  connectionLabel,
  metrics as processMetrics,
  prometheusExposition,
  withLabels,
  type MetricsPort,
} from '../adapters/metrics/index.ts';
import type { BridgeStateStore, ExecutionStore } from '../core/bridge/ports.ts';
import { marketDataConfig } from '../core/marketdata/config.ts';
import type { BridgeConfig } from './config.ts';
import { BrokerConnection } from './connection.ts';
import { QueueConsumer } from './consumer.ts';
import { startHealthServer, type HealthServer } from './health.ts';
import { OrderIdAllocator } from './ids.ts';
import { jsonLogger, type Logger } from './log.ts';
import { followConnection, startMarketData } from './market-data/index.ts';
import { OrderRouter } from './orders.ts';
import { Reconciler } from './reconcile.ts';

export interface Bridge {
  config: BridgeConfig;
  store: ExecutionStore & BridgeStateStore;
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
export async function startBridge(
  config: BridgeConfig,
  options: { log?: Logger; stores?: BridgeStores; metrics?: MetricsPort } = {},
): Promise<Bridge> {
  const log = options.log ?? jsonLogger();
  // Every bridge metric carries its connection, so dashboards and alarms are per connection.
  const measure = withLabels(options.metrics ?? processMetrics(), { connection: connectionLabel() });
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const mdConfig = marketDataConfig(process.env);
  const stores =
    options.stores ??
    bridgeStores({
      tableName: config.tableName,
      eventBusName: config.eventBusName,
      quoteTtlSeconds: mdConfig.quoteTtlSeconds,
      drainOutbox: config.drainOutbox,
      outboxIntervalMs: config.outboxIntervalMs,
      logger: log,
    });
  const store = stores.execution;
  const drainer = stores.drainer;
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
  let readyWaiters: Array<() => void> = [];
  let queueOk = true;
  const setReady = (value: boolean) => {
    ready = value;
    if (value) {
      for (const w of readyWaiters.splice(0)) w();
    }
    void beat();
  };
  const whenReady = () => (ready ? Promise.resolve() : new Promise<void>((r) => readyWaiters.push(r)));

  const router: OrderRouter = new OrderRouter({
    store,
    broker,
    ids,
    clientId,
    account: config.ib.account,
    log,
    requestExecutions: () => reconciler.requestExecutions(),
    whenReady,
    onCommitted: () => drainer?.kick(),
    metrics: measure,
  });
  const reconciler = new Reconciler({
    broker,
    store,
    router,
    clientId,
    log,
    setReady,
    draining: () => draining,
    onMismatches: (count) => measure.count('reconciliationMismatches', {}, count),
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
    if (code === 100) {
      log.error('IB pacing violation (error 100)', { message });
      measure.count('pacingErrors');
    }
    router.onOrderError(id, code, message);
  });
  broker.on('notice', (code, message) => {
    if (code === 100) measure.count('pacingErrors');
    if (code >= 2100 && code < 2200) return;
    log.info('broker notice', { code, message });
  });
  broker.on('session', (nextValidId) => {
    ids.raiseFloor(nextValidId);
    router.newSession();
    reconciler.reconcile('session');
  });
  broker.on('restored', (dataLost) => reconciler.reconcile(dataLost ? '1101' : '1102'));
  broker.on('down', () => setReady(false));

  // Market data follows the wanted list on its own; each session (and 1101/1102) reopens its lines.
  const marketData = startMarketData({
    link: broker,
    quoteCache: stores.quoteCache,
    subscriptions: stores.subscriptions,
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
    onReceived: (age) => measure.observe('queueAge', age, { queue: 'orders' }),
  });

  /** Gauges are sampled: at each heartbeat (EMF in AWS) and at each scrape (Prometheus locally). */
  const sampleGauges = () => {
    measure.set('bridgeConnected', broker.up && ready ? 1 : 0);
    measure.set('pacingTokens', broker.pacer.available);
    measure.set('marketDataLines', marketData.held().length);
  };

  const brokerName = `${config.ib.host}:${config.ib.port}`;
  async function beat(): Promise<void> {
    sampleGauges();
    try {
      await store.heartbeat({
        brokerConnected: broker.up && ready,
        broker: brokerName,
        clientId,
        ready,
        state: broker.state,
        sessions: broker.sessions,
        reconciliations: reconciler.count,
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
      reconciliations: reconciler.count,
      queue: { reachable: queueOk, inFlight: consumer.inFlight, handled: consumer.handled },
      draining,
      stats: router.stats,
    },
  }));
  health.serveMetrics(() => {
    sampleGauges();
    return prometheusExposition();
  });

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
      return reconciler.count;
    },
    reconciled: () => reconciler.reconciled(),
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
        reconciler.close();
        await beat();
        await marketData.stop();
        broker.close();
        router.close();
        readyWaiters = [];
        await health.close();
        stores.destroy();
        sqs.destroy();
        log.info('stopped');
      })()),
  };
}

/**
 * The bridge: one TWS socket, the orders queue, the order router, reconciliation on every
 * (re)connect, the outbox drainer, the heartbeat and the health server, wired together.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { bridgeStores, ordersQueueConnection, type BridgeStores } from '../adapters/bridge-stores.ts';
import {
  connectionLabel,
  metrics as processMetrics,
  prometheusExposition,
  withLabels,
  type MetricsPort,
} from '../adapters/metrics/index.ts';
import type { BridgeStateStore, ExecutionStore } from '../core/bridge/ports.ts';
import { marketDataConfig } from '../core/marketdata/config.ts';
import { followAccountValues } from './account-values.ts';
import type { BridgeConfig } from './config.ts';
import { BrokerConnection } from './connection.ts';
import { connectionConfig } from './connection-config.ts';
import { ConnectionLease } from './lease.ts';
import { runtimePatch } from './report.ts';
import { QueueConsumer } from './consumer.ts';
import { startHealthServer, type HealthServer } from './health.ts';
import { OrderIdAllocator } from './ids.ts';
import { jsonLogger, type Logger } from './log.ts';
import { followConnection, startMarketData } from './market-data/index.ts';
import { OrderRouter } from './orders.ts';
import { Reconciler } from './reconcile.ts';
import { BrokerRequestDesk } from './requests.ts';

export interface Bridge {
  config: BridgeConfig;
  store: ExecutionStore & BridgeStateStore;
  broker: BrokerConnection;
  router: OrderRouter;
  consumer: QueueConsumer;
  health: HealthServer;
  /** Serves broker requests (contract look-ups, what-if); undefined without a reply store. */
  requests: BrokerRequestDesk | undefined;
  /** Connected to the broker and reconciled: new commands are taken. */
  readonly ready: boolean;
  /** Completed reconciliations. */
  readonly reconciliations: number;
  /** The connection's lease, for a connection's bridge. */
  lease: ConnectionLease | undefined;
  /** Resolves at the next completed reconciliation. */
  reconciled(): Promise<void>;
  /** SIGTERM: stop receiving, finish what is in hand, publish the outbox, close the socket. */
  stop(): Promise<void>;
}

/** Starts the bridge; it connects (and reconnects) on its own. */
export async function startBridge(
  givenConfig: BridgeConfig,
  options: {
    log?: Logger;
    stores?: BridgeStores;
    metrics?: MetricsPort;
    /** Called when a connection's bridge lost its lease and stopped (the process should exit). */
    onLeaseLost?: () => void;
    /** Ends the wait for the connection's lease (a stop asked for before the bridge started). */
    cancelled?: () => boolean;
  } = {},
): Promise<Bridge> {
  const log = options.log ?? jsonLogger();
  // Every bridge metric carries its connection, so dashboards and alarms are per connection.
  const measure = withLabels(options.metrics ?? processMetrics(), { connection: connectionLabel() });
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const mdConfig = marketDataConfig(process.env);
  const connectionId = givenConfig.connectionId;
  let lease: ConnectionLease | undefined;
  const stores =
    options.stores ??
    bridgeStores({
      tableName: givenConfig.tableName,
      eventBusName: givenConfig.eventBusName,
      quoteTtlSeconds: mdConfig.quoteTtlSeconds,
      drainOutbox: givenConfig.drainOutbox,
      outboxIntervalMs: givenConfig.outboxIntervalMs,
      logger: log,
      connectionId,
      fencingToken: () => lease?.token,
      scopeByClientId: givenConfig.inheritsSingleBridge ?? false,
    });
  const connections = stores.connections;
  if (connectionId) {
    if (!connections) throw new Error('A connection bridge needs the connection store');
    // At most one bridge works a connection: wait for the lease before touching the gateway.
    lease = new ConnectionLease({
      connectionId,
      holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      leases: stores.leases,
      ttlMs: (givenConfig.leaseSeconds ?? 15) * 1000,
      log,
    });
    await connections.reportRuntime(connectionId, { status: 'connecting' }).catch(() => undefined);
    if (!(await lease.acquire(options.cancelled))) {
      stores.destroy();
      sqs.destroy();
      throw new Error(`Stopped before the lease of connection ${connectionId} was free`);
    }
  }
  const config = await connectionConfig(givenConfig, connections ?? { get: async () => undefined }, sqs);
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
  // Beats run one after another: a report still in flight must not land after the final
  // 'disconnected' one and bring a stopped bridge back to life on its record.
  let lastBeat: Promise<void> = Promise.resolve();
  let beatsQueued = 0;
  const beat = () => {
    beatsQueued++;
    return (lastBeat = lastBeat.then(beatNow).finally(() => beatsQueued--));
  };
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
  let reportedAccounts = '';
  const reconciler = new Reconciler({
    broker,
    store,
    router,
    clientId,
    accounts: () => reportedAccounts.split(',').filter(Boolean),
    log,
    setReady,
    draining: () => draining,
    onMismatches: (count) => measure.count('reconciliationMismatches', {}, count),
  });

  broker.on('orderStatus', (orderId, status, filled, _remaining, _avg, permId, cid) => {
    if (cid !== undefined && cid !== clientId && cid !== 0) return;
    router.onOrderStatus(orderId, status, filled, permId);
  });
  // A what-if answer is no order of ours, nor a foreign one: the request desk takes it.
  broker.on('openOrder', (m) => !m.order.whatIf && router.onOpenOrder(m));
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
  broker.on('managedAccounts', (accounts) => {
    if (accounts.join(',') === reportedAccounts) return;
    reportedAccounts = accounts.join(',');
    if (!connectionId || !connections) return;
    connections
      .reportManagedAccounts(connectionId, accounts)
      .catch((error: unknown) => log.warn('reporting the managed accounts failed', { error: String(error) }));
  });

  // Market data follows the wanted list on its own; each session (and 1101/1102) reopens its lines.
  const marketData = startMarketData({
    link: broker,
    quoteCache: stores.quoteCache,
    subscriptions: stores.subscriptions,
    config: mdConfig,
    logger: log,
  });
  followConnection(broker, marketData);
  const accountValues = followAccountValues({ broker, store: stores.accountValues, log });

  const requests = stores.brokerReplies
    ? new BrokerRequestDesk({
        broker,
        ids,
        replies: stores.brokerReplies,
        // The single queue's bridge serves the connection whose commands still go to that queue.
        connectionId: connectionId ?? ordersQueueConnection(),
        accounts: () => reportedAccounts.split(',').filter(Boolean),
        account: config.ib.account,
        log,
      })
    : undefined;

  const consumerOn = (queueUrl: string, receivers: number) =>
    new QueueConsumer({
      sqs,
      queueUrl,
      receivers,
      waitSeconds: config.waitSeconds,
      visibilitySeconds: config.visibilitySeconds,
      log,
      accepting: () => ready && !draining,
      whenAccepting: whenReady,
      handle: (command) => router.command(command),
      ...(requests ? { handleRequest: (request) => requests.handle(request) } : {}),
      onReceived: (age) => measure.observe('queueAge', age, { queue: 'orders' }),
    });
  const consumer = consumerOn(config.ordersQueueUrl, config.receivers);
  // Commands queued to the shared queue before the upgrade still reach the broker, exactly once.
  const sharedConsumer =
    config.inheritsSingleBridge && config.sharedQueueUrl && config.sharedQueueUrl !== config.ordersQueueUrl
      ? consumerOn(config.sharedQueueUrl, 1)
      : undefined;

  /** Gauges are sampled: at each heartbeat (EMF in AWS) and at each scrape (Prometheus locally). */
  const sampleGauges = () => {
    measure.set('bridgeConnected', broker.up && ready ? 1 : 0);
    measure.set('pacingTokens', broker.pacer.available);
    measure.set('marketDataLines', marketData.held().length);
  };

  const brokerName = `${config.ib.host}:${config.ib.port}`;
  async function beatNow(): Promise<void> {
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
      if (connectionId && connections) {
        await connections.reportRuntime(
          connectionId,
          runtimePatch({
            ready,
            state: broker.state,
            lastLoss: broker.lastLoss,
            messagesLastMinute: broker.pacer.usedLastMinute(),
            linesInUse: marketData.held().length,
            lineLimit: mdConfig.lineLimit,
            now: new Date().toISOString(),
          }),
        );
      }
    } catch (error) {
      log.warn('heartbeat failed', { error: String(error) });
    }
  }
  // A slow store skips ticks rather than queueing them up.
  const heartbeat = setInterval(() => {
    if (beatsQueued === 0) void beat();
  }, config.heartbeatMs);
  heartbeat.unref();
  // Renewed at a third of its time, so one slow write does not cost the lease.
  const leaseTimer = lease
    ? setInterval(() => void renewLease(), Math.max(100, ((config.leaseSeconds ?? 15) * 1000) / 3))
    : undefined;
  leaseTimer?.unref();
  async function renewLease(): Promise<void> {
    if (!lease || draining) return;
    const held = await lease.renew().catch((error: unknown) => {
      log.warn('renewing the connection lease failed; trying again', { error: String(error) });
      return true;
    });
    if (held) return;
    log.error('connection lease lost to another bridge; stopping', { connectionId });
    await bridge.stop();
    options.onLeaseLost?.();
  }
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
      ...(connectionId ? { connectionId } : {}),
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
  sharedConsumer?.start();
  void beat();

  let stopping: Promise<void> | undefined;
  const bridge: Bridge = {
    config,
    lease,
    store,
    broker,
    router,
    consumer,
    health,
    requests,
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
        await Promise.all([consumer.stop(), sharedConsumer?.stop()]);
        await router.idle(10_000);
        await drainer?.stop();
        setReady(false);
        clearInterval(heartbeat);
        clearInterval(queueCheck);
        if (leaseTimer) clearInterval(leaseTimer);
        reconciler.close();
        accountValues.close();
        await beat();
        await marketData.stop();
        broker.close();
        if (connectionId && connections)
          await connections
            .reportRuntime(connectionId, { status: 'disconnected', heartbeatAt: new Date().toISOString() })
            .catch(() => undefined);
        // Released only once the socket is closed: a successor may connect with the same client id.
        await lease?.release().catch(() => undefined);
        router.close();
        readyWaiters = [];
        await health.close();
        stores.destroy();
        sqs.destroy();
        log.info('stopped');
      })()),
  };
  return bridge;
}

import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { eventBus, queueConsumers, queues, schedules, table } from '../core/topology.ts';
import { startDynamoDbLocal, type LocalDynamoDb } from './dynamodb.ts';
import { startLocalSqs, type LocalSqs } from './sqs.ts';
import { ensureQueues, ensureTable, type QueueUrls } from './provision.ts';
import { useLocalAws } from './aws-env.ts';
import { startGateway, type Gateway } from './gateway.ts';
import { pollQueue, runSchedule } from './queue-poller.ts';
import { assertPortFree } from './ports.ts';
import { sqsDeliverer, startEventRouter, type EventRouter } from './event-router/router.ts';
import { rules } from '../core/topology.ts';
import { handlerDeliverer, streamRule } from './event-router/handlers.ts';
import { webhookEnv } from '../adapters/webhooks/config.ts';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startOutboxDrainer } from '../adapters/outbox/drain.ts';
import { authorizer, stream } from '../core/topology.ts';
import { withoutSecretsOf } from './secrets.ts';
import { startLocalIdentity, type LocalIdentity } from './identity/index.ts';
import { startPaperGateway, type PaperGateway } from '../paper-gateway/index.ts';
import { superviseStrategyHost, type SupervisedBridge, type SupervisedHost } from './supervisor.ts';
import { projectRoot } from './lambda.ts';
import { consoleFiles } from './console-files.ts';
import { consolePaths } from './console-build.ts';
import { HISTORICAL_GATEWAY_ENV } from '../adapters/ib/bar-source.ts';
import { env as topologyEnv } from '../core/topology.ts';
import { connectionProvisioning } from '../core/topology.ts';
import { DEMO_CONNECTION_ID, type Connection } from '../core/connections/model.ts';
import { DynamoConnectionStore } from '../adapters/dynamodb/connection-store.ts';
import { DEMO_TENANT } from './identity/seed.ts';
import { LocalConnections } from './connections.ts';
import { seedDemoConnection } from './seed-connection.ts';

export interface LocalStackOptions {
  /** HTTP gateway port; 0 picks a free one. */
  port: number;
  host?: string;
  /** Keeps DynamoDB and SQS state on disk under this folder; omit for an in-memory stack (tests). */
  dataDir?: string;
  log?: (line: string) => void;
  /**
   * Run the IB bridge as a child process (restarted when it dies, like ECS), against the paper
   * gateway, or against a real gateway when IB_HOST/IB_PORT are set. Default true.
   */
  bridge?: boolean;
  /** Paper gateway TWS API port; default PAPER_GATEWAY_PORT, else a free port. */
  paperGatewayPort?: number;
  /** Run the strategy host as a supervised child process. Default true. */
  strategyHost?: boolean;
}

export interface LocalStack {
  baseUrl: string;
  dynamodb: LocalDynamoDb;
  sqs: LocalSqs;
  gateway: Gateway;
  /** The local EventBridge (PutEvents endpoint and rule router). */
  eventRouter: EventRouter;
  tableName: string;
  queueUrls: QueueUrls;
  dlqUrls: QueueUrls;
  /** The local Cognito stand-in (signing key kept under the data dir). */
  identity: LocalIdentity;
  /** Where the bridge connects: the paper gateway (or the real gateway of IB_HOST/IB_PORT). */
  paperGateway?: { host: string; port: number };
  /** The in-process paper gateway, when no real gateway is configured. */
  paperGatewayServer?: PaperGateway;
  /** The supervised bridge child process of the demo connection. */
  bridge?: SupervisedBridge;
  /** The local provisioner: every connection's queue, paper gateway and bridge. */
  connections?: LocalConnections;
  /** The supervised strategy host child process. */
  strategyHost?: SupervisedHost;
  stop(): Promise<void>;
}

/** Starts the whole system on this machine: emulators, resources, consumers, schedules and the HTTP gateway. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  if (options.port !== 0) await assertPortFree(host, options.port, 'the HTTP gateway (OMS_PORT)');

  const stops: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await Promise.resolve(fn()).catch(() => undefined);
    stops.length = 0;
  };

  try {
    const dataDir = options.dataDir;
    const [dynamodb, sqs] = await Promise.all([
      startDynamoDbLocal({ detached: true, ...(dataDir ? { dataDir: join(dataDir, 'dynamodb') } : {}) }),
      startLocalSqs(dataDir ? { dataDir: join(dataDir, 'sqs') } : {}),
    ]);
    stops.push(
      () => dynamodb.stop(),
      () => sqs.stop(),
    );
    log(
      `DynamoDB Local   ${dynamodb.endpoint}${dataDir ? ` (data in ${join(dataDir, 'dynamodb')})` : ' (in memory)'}`,
    );
    log(`SQS emulator     ${sqs.endpoint}`);

    const dynamoClient = new DynamoDBClient({
      endpoint: dynamodb.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const sqsClient = new SQSClient({
      endpoint: sqs.endpoint,
      useQueueUrlAsEndpoint: false,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    stops.push(
      () => dynamoClient.destroy(),
      () => sqsClient.destroy(),
    );
    const tableName = await ensureTable(dynamoClient, table.name);
    const { urls: queueUrls, dlqUrls } = await ensureQueues(sqsClient);
    // connection.* events reach the provisioner in this process (AWS: its state machine).
    let connections: LocalConnections | undefined;
    const provisionerTarget = { handler: 'local:connections' };
    const toHandlers = handlerDeliverer(sqsDeliverer(sqsClient, queueUrls));
    const eventRouter = await startEventRouter({
      rules: [
        ...rules,
        streamRule,
        {
          name: connectionProvisioning.rule,
          pattern: connectionProvisioning.pattern,
          target: provisionerTarget,
        },
      ],
      busName: eventBus.name,
      deliver: async (target, event) =>
        target === provisionerTarget ? connections?.onEvent(event) : toHandlers(target, event),
      logger: {
        warn: (message, data) => log(`event router: ${message} ${JSON.stringify(data ?? {})}`),
        error: (message, data) => log(`event router: ${message} ${JSON.stringify(data ?? {})}`),
      },
    });
    stops.push(() => eventRouter.close());
    log(`EventBridge      ${eventRouter.endpoint} (bus ${eventBus.name})`);
    // Local webhooks may go to a receiver on this machine over plain http; AWS never allows it.
    process.env[webhookEnv.allowLoopback] = 'true';
    useLocalAws({
      dynamodb: dynamodb.endpoint,
      sqs: sqs.endpoint,
      eventbridge: eventRouter.endpoint,
      tableName,
      queueUrls,
      eventBusName: eventBus.name,
    });

    for (const consumer of queueConsumers) {
      const poller = pollQueue({
        sqs: sqsClient,
        queueUrl: queueUrls[consumer.queue],
        handler: consumer.handler,
        batchSize: consumer.batchSize,
        ...('timeoutSeconds' in consumer ? { timeoutSeconds: consumer.timeoutSeconds } : {}),
        onError: (error) => log(`consumer ${consumer.handler} failed: ${String(error)}`),
      });
      stops.push(() => poller.stop());
    }
    for (const schedule of schedules) {
      const timer = runSchedule({
        handler: schedule.handler,
        everySeconds: schedule.everySeconds,
        onError: (error) => log(`schedule ${schedule.name} failed: ${String(error)}`),
      });
      stops.push(() => timer.stop());
    }

    const identity = startLocalIdentity({
      tableName,
      dynamodbEndpoint: dynamodb.endpoint,
      ...(dataDir ? { dataDir } : {}),
    });
    // Connection bridges do not drain the outbox here: the stack does, once for all of them (a
    // drainer per bridge would publish some events twice).
    {
      const drainerEvents = new EventBridgeClient({
        endpoint: eventRouter.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const drainer = startOutboxDrainer({
        doc: DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } }),
        events: drainerEvents,
        tableName,
        busName: eventBus.name,
        intervalMs: 250,
        onError: (error) => log(`outbox drainer failed: ${String(error)}`),
      });
      stops.push(
        () => drainerEvents.destroy(),
        () => drainer.stop(),
      );
    }

    let paperGatewayServer: PaperGateway | undefined;
    let broker: { host: string; port: number } | undefined;
    let bridge: SupervisedBridge | undefined;
    if (options.bridge ?? true) {
      if (process.env.IB_HOST || process.env.IB_PORT) {
        broker = { host: process.env.IB_HOST || '127.0.0.1', port: Number(process.env.IB_PORT || 4002) };
        log(`IB gateway       ${broker.host}:${broker.port} (IB_HOST/IB_PORT)`);
      } else {
        const server = await startPaperGateway({
          port: options.paperGatewayPort ?? Number(process.env.PAPER_GATEWAY_PORT ?? 0),
          controlPort: 0,
          log,
          ...(dataDir ? { stateFile: join(dataDir, 'paper-gateway.json') } : {}),
        });
        paperGatewayServer = server;
        stops.push(() => server.close());
        broker = { host: server.host, port: server.port };
        log(
          `paper gateway    ${server.host}:${server.port} (control http://${server.host}:${server.controlPort}/, bearer token ${server.controlTokenFile ?? server.controlToken})`,
        );
      }
      const doc = DynamoDBDocumentClient.from(dynamoClient, {
        marshallOptions: { removeUndefinedValues: true },
      });
      const store = new DynamoConnectionStore(doc, tableName);
      await ensureDemoConnection(store, paperGatewayServer ? undefined : broker);
      const provisioner = new LocalConnections({
        sqs: sqsClient,
        store,
        projectRoot,
        bridgeEnv: withoutSecretsOf('bridge'),
        log,
        ...(dataDir ? { dataDir } : {}),
        ...(paperGatewayServer ? { demoGateway: paperGatewayServer } : {}),
      });
      connections = provisioner;
      // Stopped (and drained) before the paper gateway and the emulators the bridges need.
      stops.push(() => provisioner.stop());
      await provisioner.reconcile();
      bridge = provisioner.bridge(DEMO_CONNECTION_ID);
      // Backtests without uploaded bars read history from the same gateway.
      process.env[HISTORICAL_GATEWAY_ENV] = `${broker.host}:${broker.port}`;
    }

    process.env[topologyEnv.strategiesQueueUrl] = queueUrls.strategies;
    let strategyHost: SupervisedHost | undefined;
    if (options.strategyHost ?? true) {
      const host = superviseStrategyHost({ projectRoot, env: {}, log });
      strategyHost = host;
      stops.push(() => host.stop());
      log('strategy host    supervised child (strategies/main.ts)');
    }

    const gateway = await startGateway({
      host,
      port: options.port,
      authorizer,
      // The web console at /, once built (bin/local.ts builds it when stale).
      staticFiles: consoleFiles(consolePaths(projectRoot).dist),
    });
    stops.push(() => gateway.close());
    log(`HTTP gateway     ${gateway.url}`);
    log(`WebSocket stream ${gateway.url.replace(/^http/, 'ws')}${stream.path}`);

    return {
      baseUrl: gateway.url,
      dynamodb,
      sqs,
      gateway,
      eventRouter,
      tableName,
      queueUrls,
      dlqUrls,
      identity,
      ...(broker ? { paperGateway: broker } : {}),
      ...(paperGatewayServer ? { paperGatewayServer } : {}),
      ...(bridge ? { bridge } : {}),
      ...(connections ? { connections } : {}),
      ...(strategyHost ? { strategyHost } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The demo tenant's connection: the stack's paper gateway (or the real one of IB_HOST/IB_PORT). It
 * inherits the single bridge of before connections. The seed may store it first; either way once.
 */
async function ensureDemoConnection(
  store: DynamoConnectionStore,
  external: { host: string; port: number } | undefined,
): Promise<void> {
  if (!external) {
    await seedDemoConnection(store);
    return;
  }
  if (await store.get(DEMO_CONNECTION_ID)) return;
  const at = new Date().toISOString();
  const connection: Connection = {
    connectionId: DEMO_CONNECTION_ID,
    ownerTenantId: DEMO_TENANT,
    name: 'Demo paper account',
    broker: 'ib',
    live: false,
    gateway: { kind: 'external', ...external },
    clientId: Number(process.env.IB_CLIENT_ID || 1),
    status: 'connecting',
    accounts: [],
    createdAt: at,
    updatedAt: at,
  };
  await store.create(connection);
}

export { queues };

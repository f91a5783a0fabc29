import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CfnOutput, Tags, type Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import * as defaultTopology from '../core/topology.ts';
import type { Bridge, IbGatewaySettings } from './constructs/bridge.ts';
import type { DataStore } from './constructs/data-store.ts';
import type { HandlerFunction } from './constructs/handler-function.ts';
import type { OmsHttpApi } from './constructs/http-api.ts';
import type { Identity } from './constructs/identity.ts';
import type { Messaging } from './constructs/messaging.ts';
import type { Monitoring } from './constructs/monitoring.ts';
import { StreamApi } from './constructs/stream.ts';
import type { GrantTargets } from './grants.ts';
import { collectHandlers, FUNCTION_GROUPS, groupOf, type HandlerUse } from './handlers.ts';
import { checkSettings, resourceEnvironment } from './settings.ts';
import { ApiStack } from './stacks/api.ts';
import { BridgeStack } from './stacks/bridge.ts';
import { ConsoleStack } from './stacks/console.ts';
import { DataStack } from './stacks/data.ts';
import { FunctionsStack } from './stacks/functions.ts';
import { IdentityStack } from './stacks/identity.ts';
import { MessagingStack } from './stacks/messaging.ts';
import { MonitoringStack } from './stacks/monitoring.ts';
import { StrategiesStack } from './stacks/strategies.ts';
import { projectRoot, type Topology } from './topology.ts';

export { checkSettings, RESOURCE_ENV } from './settings.ts';
export { collectHandlers } from './handlers.ts';

export interface OmsAppProps {
  /** Stack name prefix: the stacks are `<prefix>-Data`, `<prefix>-Api`, ... */
  readonly prefix?: string;
  /** Account and region of every stack; environment-agnostic when absent. */
  readonly env?: StackProps['env'];
  /** Defaults to `core/topology.ts`; tests pass variants. */
  readonly topology?: Topology;
  /** Defaults for the IB gateway CloudFormation parameters (overridable at deploy time). */
  readonly ib?: Partial<IbGatewaySettings>;
  /** Stage-wide API throttling; per-key and per-tenant limits live in the application. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  readonly alarmEmail?: string | undefined;
  readonly logRetention?: logs.RetentionDays;
  /**
   * Application settings for every function and the bridge, by environment variable name: the
   * market data settings (`OMS_MARKET_DATA_*`, core/marketdata/config.ts) and the rate limits
   * (`OMS_RATE_LIMIT_*`, core/topology.ts). Checked at synth: an unknown name or a bad value fails.
   */
  readonly settings?: Record<string, string>;
}

/**
 * The OMS as several stacks, cut along the architecture so each stays far below
 * CloudFormation's 500 resources as routes are added:
 *
 *   Data ─┬─ Messaging ─┬─ Api ── Api<Group>… ─┬─ Monitoring
 *         │  Identity ──┤                      │
 *         └─────────────┴─ Bridge ─ Strategies ┘
 *
 * Data (table, key), Messaging (queues, bus, rules), Identity (user pool, its triggers), Api
 * (HTTP API, stage, authorizer), one FunctionsStack per function group (lib/handlers.ts:
 * functions with their routes, consumers, schedules), Bridge (network, Fargate service),
 * Strategies (the strategy host on the bridge's network),
 * Monitoring (dashboard, alarms). References only point left to right: constructs are passed
 * down as props and CDK turns them into exports and imports.
 */
export class OmsApp {
  readonly topology: Topology;
  readonly dataStack: DataStack;
  readonly messagingStack: MessagingStack;
  readonly identityStack: IdentityStack;
  readonly apiStack: ApiStack;
  /** Function-group stacks by group name. */
  readonly functionStacks = new Map<string, FunctionsStack>();
  readonly bridgeStack: BridgeStack;
  readonly strategiesStack: StrategiesStack;
  readonly consoleStack: ConsoleStack;
  readonly monitoringStack: MonitoringStack;
  /** The WebSocket stream (in the Stream function group's stack), when the topology has one. */
  readonly stream: StreamApi | undefined;
  /** Every function by handler file, whichever stack holds it. */
  readonly functions = new Map<string, HandlerFunction>();

  constructor(scope: Construct, props: OmsAppProps = {}) {
    const topology: Topology = props.topology ?? defaultTopology;
    this.topology = topology;
    const prefix = props.prefix ?? 'Oms';
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const common: StackProps = props.env ? { env: props.env } : {};
    const describe = (part: string) => ({ ...common, description: `IB OMS (${prefix}): ${part}` });
    const settings = checkSettings(props.settings ?? {});

    const handlers = collectHandlers(topology);
    const missing = [...handlers.keys()].filter((h) => !existsSync(path.join(projectRoot, h)));
    if (missing.length > 0) {
      // One message naming every gap, rather than NodejsFunction's error about the first.
      throw new Error(`the topology names handler files that do not exist: ${missing.join(', ')}`);
    }
    for (const [handler, use] of handlers) {
      if (use.kinds.has('trigger') && use.kinds.size > 1)
        throw new Error(`${handler} is a Cognito trigger and must serve nothing else`);
    }

    this.dataStack = new DataStack(scope, `${prefix}-Data`, {
      ...describe('table and data key'),
      topology,
    });
    const { data } = this.dataStack;
    this.messagingStack = new MessagingStack(scope, `${prefix}-Messaging`, {
      ...describe('queues, event bus and rules'),
      topology,
      key: data.key,
    });
    const { messaging } = this.messagingStack;
    this.identityStack = new IdentityStack(scope, `${prefix}-Identity`, {
      ...describe('Cognito user pool and triggers'),
      topology,
      logRetention,
    });
    const { identity } = this.identityStack;
    for (const [handler, fn] of this.identityStack.functions) this.functions.set(handler, fn);

    const values: Record<string, string> = {
      tableName: data.table.tableName,
      eventBusName: messaging.bus.eventBusName,
      userPoolId: identity.userPool.userPoolId,
      userPoolClientId: identity.client.userPoolClientId,
      identityProvider: 'cognito',
    };
    for (const [key, pair] of Object.entries(messaging.queues))
      values[`${key}QueueUrl`] = pair.queue.queueUrl;
    const environment = { ...settings, ...resourceEnvironment(topology, values, this.dataStack) };
    const targets: GrantTargets = {
      table: data.table,
      key: data.key,
      queues: messaging.queues,
      bus: messaging.bus,
      userPool: identity.userPool,
      indexes: topology.table.indexes,
    };

    const authorizerUse = topology.authorizer ? handlers.get(topology.authorizer) : undefined;
    this.apiStack = new ApiStack(scope, `${prefix}-Api`, {
      ...describe('HTTP API, stage and authorizer'),
      topology,
      authorizerUse,
      targets,
      environment,
      throttle: props.throttle ?? { rateLimit: 200, burstLimit: 400 },
      logRetention,
    });
    if (topology.authorizer && this.apiStack.authorizer)
      this.functions.set(topology.authorizer, this.apiStack.authorizer);

    const groups = new Map<string, Map<string, HandlerUse>>(
      Object.keys(FUNCTION_GROUPS).map((g) => [g, new Map()]),
    );
    for (const [handler, use] of handlers) {
      if (this.functions.has(handler)) continue;
      const group = groupOf(handler);
      const members = groups.get(group) ?? new Map<string, HandlerUse>();
      members.set(handler, use);
      groups.set(group, members);
    }
    for (const [group, members] of groups) {
      if (members.size === 0) continue;
      const stack = new FunctionsStack(scope, `${prefix}-Api${group}`, {
        ...describe(`${group} functions and their routes`),
        handlers: members,
        topology,
        http: this.apiStack.http,
        targets,
        environment,
        logRetention,
      });
      this.functionStacks.set(group, stack);
      for (const [handler, fn] of stack.functions) this.functions.set(handler, fn);
    }

    // The stream's API lives with its functions: its stage URL is in their environment and its
    // routes integrate them, so any other stack would make a cycle.
    const streamStack = this.functionStacks.get('Stream');
    if (topology.stream && streamStack) {
      this.stream = new StreamApi(streamStack, 'Stream', {
        spec: topology.stream,
        bus: messaging.bus,
        functions: streamStack.functions,
        logRetention,
      });
      new CfnOutput(streamStack, 'StreamUrl', {
        value: this.stream.url,
        description: 'OMS WebSocket stream URL',
      });
    }

    this.consoleStack = new ConsoleStack(scope, `${prefix}-Console`, {
      ...describe('web console on S3 and CloudFront'),
      apiUrl: this.apiStack.http.url,
      streamUrl: this.stream?.url,
      projectRoot,
    });

    // Named, so the provisioner's run-time alarms reach it without a reference to a later stack.
    const alarmTopicName = `${prefix}-alarms`;
    this.bridgeStack = new BridgeStack(scope, `${prefix}-Bridge`, {
      ...describe('IB bridge on Fargate'),
      targets,
      environment,
      ib: props.ib ?? {},
      logRetention,
      alarmTopicName,
    });

    this.strategiesStack = new StrategiesStack(scope, `${prefix}-Strategies`, {
      ...describe('strategy host on Fargate'),
      network: this.bridgeStack.network,
      targets,
      environment,
      logRetention,
    });

    this.monitoringStack = new MonitoringStack(scope, `${prefix}-Monitoring`, {
      ...describe('dashboard and alarms'),
      api: this.apiStack.http.api,
      functions: [...this.functions.values()],
      queues: messaging.queues,
      table: data.table,
      bridge: this.bridgeStack.bridge.service,
      key: data.key,
      alarmEmail: props.alarmEmail,
      alarmTopicName,
    });

    for (const stack of this.stacks) {
      Tags.of(stack).add('project', 'ib-oms');
      Tags.of(stack).add('managed-by', 'cdk');
    }
  }

  /** Every stack, in deployment order. */
  get stacks(): Stack[] {
    return [
      this.dataStack,
      this.messagingStack,
      this.identityStack,
      this.apiStack,
      ...this.functionStacks.values(),
      this.consoleStack,
      this.bridgeStack,
      this.strategiesStack,
      this.monitoringStack,
    ];
  }

  get data(): DataStore {
    return this.dataStack.data;
  }
  get messaging(): Messaging {
    return this.messagingStack.messaging;
  }
  get identity(): Identity {
    return this.identityStack.identity;
  }
  get http(): OmsHttpApi {
    return this.apiStack.http;
  }
  get bridge(): Bridge {
    return this.bridgeStack.bridge;
  }
  get monitoring(): Monitoring {
    return this.monitoringStack.monitoring;
  }
}

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Annotations, CfnOutput, CfnParameter, Duration, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { MARKET_DATA_ENV, marketDataConfig } from '../core/marketdata/config.ts';
import * as defaultTopology from '../core/topology.ts';
import { Bridge, type IbGatewaySettings } from './constructs/bridge.ts';
import { DataStore } from './constructs/data-store.ts';
import { HandlerFunction } from './constructs/handler-function.ts';
import { OmsHttpApi } from './constructs/http-api.ts';
import { Identity } from './constructs/identity.ts';
import { Messaging } from './constructs/messaging.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { StreamApi, streamHandlers } from './constructs/stream.ts';
import { ConsoleSite } from './constructs/console.ts';
import {
  accessOf,
  handlerId,
  pascal,
  projectRoot,
  type Access,
  type QueueKey,
  type Topology,
} from './topology.ts';

export interface OmsStackProps extends StackProps {
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

/** The settings an operator may give the deployment, and a check of their values. */
export function checkSettings(settings: Record<string, string>): Record<string, string> {
  const rateLimits = Object.entries(defaultTopology.env)
    .filter(([key]) => key.startsWith('rateLimit'))
    .map(([, name]) => name);
  const known = new Set<string>([...Object.values(MARKET_DATA_ENV), ...rateLimits]);
  const unknown = Object.keys(settings).filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new Error(`unknown settings ${unknown.join(', ')}; known: ${[...known].sort().join(', ')}`);
  for (const name of rateLimits) {
    const value = settings[name];
    if (value !== undefined && !/^[1-9]\d*$/.test(value))
      throw new Error(`${name} must be a positive whole number, not ${value}`);
  }
  // Throws with the variable's name on a malformed market data value.
  marketDataConfig(settings);
  return { ...settings };
}

type HandlerKind = 'route' | 'authorizer' | 'consumer' | 'schedule' | 'trigger' | 'stream';

interface HandlerUse {
  readonly kinds: Set<HandlerKind>;
  readonly access: Set<Access>;
  /** Files shipped beside the bundle (see RouteSpec.files). */
  readonly files: Set<string>;
}

/**
 * Topology env names that point at a resource (`tableName`, `ordersQueueUrl`, ...). Any other
 * name is application tuning or local-only (the local identity provider's key, loopback
 * webhooks) and stays unset in AWS, so the application's defaults apply.
 */
export const RESOURCE_ENV = /(Name|Url|Id|Arn)$/;

const TIMEOUTS: Record<HandlerKind, Duration> = {
  // API Gateway gives up on an integration after 30 s.
  route: Duration.seconds(10),
  authorizer: Duration.seconds(5),
  consumer: Duration.seconds(30),
  schedule: Duration.seconds(60),
  // Cognito waits at most 5 s for a trigger.
  trigger: Duration.seconds(5),
  // The fan-out posts to every subscribed socket of a tenant.
  stream: Duration.seconds(30),
};

/** The whole OMS in one stack, built from the topology declaration. */
export class OmsStack extends Stack {
  readonly topology: Topology;
  readonly data: DataStore;
  readonly messaging: Messaging;
  readonly identity: Identity;
  readonly functions = new Map<string, HandlerFunction>();
  readonly http: OmsHttpApi;
  readonly bridge: Bridge;
  readonly monitoring: Monitoring;
  readonly stream: StreamApi | undefined;

  constructor(scope: Construct, id: string, props: OmsStackProps = {}) {
    super(scope, id, props);
    const topology: Topology = props.topology ?? defaultTopology;
    this.topology = topology;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    Tags.of(this).add('project', 'ib-oms');
    Tags.of(this).add('managed-by', 'cdk');

    this.data = new DataStore(this, 'Data', { table: topology.table });
    this.messaging = new Messaging(this, 'Messaging', { topology, key: this.data.key });
    this.identity = new Identity(this, 'Identity');

    const environment = { ...checkSettings(props.settings ?? {}), ...this.resourceEnvironment() };

    const handlers = collectHandlers(topology);
    const missing = [...handlers.keys()].filter((h) => !existsSync(path.join(projectRoot, h)));
    if (missing.length > 0) {
      // One message naming every gap, rather than NodejsFunction's error about the first.
      throw new Error(`the topology names handler files that do not exist: ${missing.join(', ')}`);
    }

    for (const [handler, use] of handlers) {
      const kinds = [...use.kinds];
      const timeout = kinds
        .map((k) => TIMEOUTS[k])
        .reduce((a, b) => (a.toSeconds() >= b.toSeconds() ? a : b));
      const fn = new HandlerFunction(this, handlerId(handler), {
        handler,
        description: `OMS ${kinds.join('+')} ${handler}`,
        // A Cognito trigger that named its own pool would make pool and function depend on each other.
        environment: use.kinds.has('trigger') ? {} : environment,
        timeout,
        logRetention,
        files: [...use.files],
      });
      this.grant(fn, use.access);
      this.functions.set(handler, fn);
    }

    const preToken = topology.identityTriggers?.preTokenGeneration;
    const preTokenFn = preToken ? this.functions.get(preToken) : undefined;
    if (preTokenFn) {
      this.identity.userPool.addTrigger(
        cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
        preTokenFn.fn,
        cognito.LambdaVersion.V2_0,
      );
    }

    const authorizer = topology.authorizer ? this.functions.get(topology.authorizer) : undefined;
    this.http = new OmsHttpApi(this, 'Http', {
      routes: topology.routes,
      functions: this.functions,
      authorizer,
      throttle: props.throttle ?? { rateLimit: 200, burstLimit: 400 },
      logRetention,
    });

    for (const consumer of topology.queueConsumers) {
      const fn = this.mustGet(consumer.handler);
      const pair = this.messaging.queues[consumer.queue];
      fn.fn.addEventSource(
        new SqsEventSource(pair.queue, {
          batchSize: consumer.batchSize,
          // Only the failed messages of a batch are retried, not the whole batch.
          reportBatchItemFailures: true,
        }),
      );
    }

    for (const schedule of topology.schedules) {
      if (schedule.everySeconds < 60 || schedule.everySeconds % 60 !== 0) {
        throw new Error(
          `schedule ${schedule.name}: EventBridge Scheduler runs at whole minutes, got ${schedule.everySeconds}s`,
        );
      }
      const fn = this.mustGet(schedule.handler).fn;
      const role = new iam.Role(this, `Schedule${pascal(schedule.name)}Role`, {
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
        description: `EventBridge Scheduler invoking ${schedule.handler}`,
      });
      new scheduler.Schedule(this, `Schedule${pascal(schedule.name)}`, {
        description: `OMS ${schedule.name}`,
        schedule: scheduler.ScheduleExpression.rate(Duration.seconds(schedule.everySeconds)),
        target: new schedulerTargets.LambdaInvoke(fn, { retryAttempts: 2, role }),
      });
      const fnId = this.getLogicalId(fn.node.defaultChild as never);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
        reason: `CDK's grantInvoke adds the function's qualified ARNs (<fn>:*, its versions and aliases); the role can invoke ${schedule.handler} and nothing else.`,
      });
    }

    this.bridge = new Bridge(this, 'Bridge', {
      table: this.data.table,
      ordersQueue: this.messaging.queues.orders.queue,
      bus: this.messaging.bus,
      environment,
      ib: this.ibParameters(props.ib ?? {}),
      logRetention,
    });

    this.stream = topology.stream
      ? new StreamApi(this, 'Stream', {
          spec: topology.stream,
          bus: this.messaging.bus,
          functions: this.functions,
          logRetention,
        })
      : undefined;

    this.monitoring = new Monitoring(this, 'Monitoring', {
      api: this.http.api,
      functions: [...this.functions.values()],
      queues: this.messaging.queues,
      table: this.data.table,
      bridge: this.bridge.service,
      key: this.data.key,
      alarmEmail: props.alarmEmail,
    });

    this.acknowledgeGrantWildcards();

    new CfnOutput(this, 'ApiUrl', { value: this.http.url, description: 'OMS HTTP API base URL' });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.messaging.bus.eventBusName });
    const site = new ConsoleSite(this, 'Console', {
      apiUrl: this.http.url,
      streamUrl: this.stream?.url,
      projectRoot,
    });
    new CfnOutput(this, 'ConsoleUrl', { value: site.url, description: 'OMS web console' });
    if (this.stream)
      new CfnOutput(this, 'StreamUrl', { value: this.stream.url, description: 'OMS WebSocket stream URL' });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
  }

  /** Values for the topology's environment variable names, shared by every function and the bridge. */
  private resourceEnvironment(): Record<string, string> {
    const values: Record<string, string> = {
      tableName: this.data.table.tableName,
      eventBusName: this.messaging.bus.eventBusName,
      userPoolId: this.identity.userPool.userPoolId,
      userPoolClientId: this.identity.client.userPoolClientId,
      identityProvider: 'cognito',
    };
    for (const [key, pair] of Object.entries(this.messaging.queues)) {
      values[`${key}QueueUrl`] = pair.queue.queueUrl;
    }
    const environment: Record<string, string> = {};
    for (const [key, name] of Object.entries(this.topology.env)) {
      const value = values[key];
      if (value === undefined && !RESOURCE_ENV.test(key)) continue;
      if (value === undefined) {
        Annotations.of(this).addWarningV2(
          'oms:unknown-env',
          `topology.env.${key} (${name}) names no resource the CDK app knows; it is not set in AWS`,
        );
        continue;
      }
      environment[name] = value;
    }
    return environment;
  }

  private grant(fn: HandlerFunction, access: ReadonlySet<Access>): void {
    const role = fn.role;
    const { table } = this.data;
    if (access.has('table:read') && access.has('table:write')) table.grantReadWriteData(role);
    else if (access.has('table:read')) table.grantReadData(role);
    else if (access.has('table:write')) table.grantWriteData(role);
    const queueGrant = (key: QueueKey) => this.messaging.queues[key].queue.grantSendMessages(role);
    if (access.has('orders:send')) queueGrant('orders');
    if (access.has('webhooks:send')) queueGrant('webhooks');
    if (access.has('events:put')) this.messaging.bus.grantPutEventsTo(role);
    if (access.has('users:manage')) {
      this.identity.userPool.grant(
        role,
        'cognito-idp:AdminCreateUser',
        'cognito-idp:AdminSetUserPassword',
        'cognito-idp:AdminAddUserToGroup',
        'cognito-idp:AdminRemoveUserFromGroup',
        'cognito-idp:AdminListGroupsForUser',
        'cognito-idp:AdminGetUser',
        'cognito-idp:AdminDisableUser',
        'cognito-idp:AdminEnableUser',
        'cognito-idp:AdminUserGlobalSignOut',
        'cognito-idp:ListUsers',
      );
    }
  }

  private mustGet(handler: string): HandlerFunction {
    const fn = this.functions.get(handler);
    if (!fn) throw new Error(`no function for ${handler}`);
    return fn;
  }

  private ibParameters(defaults: Partial<IbGatewaySettings>): IbGatewaySettings {
    const param = (id: string, description: string, fallback: string | undefined) =>
      new CfnParameter(this, id, {
        type: 'String',
        description,
        ...(fallback !== undefined ? { default: fallback } : {}),
      }).valueAsString;
    return {
      host: param('IbHost', 'Host name or IP of the IB Gateway / TWS the bridge connects to', defaults.host),
      port: param(
        'IbPort',
        'API port of the IB Gateway / TWS (4002 paper gateway, 4001 live gateway)',
        defaults.port ?? '4002',
      ),
      clientId: param('IbClientId', 'IB API client id reserved for the bridge', defaults.clientId ?? '1'),
      account: param(
        'IbAccount',
        'IB account the bridge trades (empty: the gateway’s only account)',
        defaults.account ?? '',
      ),
    };
  }

  /**
   * CDK's grant methods produce wildcards that are still scoped to this stack's own resources:
   * `<table>/index/*` covers the table's GSIs, and KMS `GenerateDataKey*` / `ReEncrypt*` are the
   * action families DynamoDB and SQS need for envelope encryption with the data key.
   */
  private acknowledgeGrantWildcards(): void {
    const tableArn = this.getLogicalId(this.data.table.node.defaultChild as never);
    const keyArn = this.getLogicalId(this.data.key.node.defaultChild as never);
    const findings: [string, string][] = [
      [
        `AwsSolutions-IAM5[Resource::<${tableArn}.Arn>/index/*]`,
        `Queries go through the table’s own GSIs (${this.topology.table.indexes.map((i) => i.name).join(', ')}); the wildcard is limited to indexes of this one table.`,
      ],
      [
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        `Envelope encryption with the single data key (${keyArn}) needs GenerateDataKey and GenerateDataKeyWithoutPlaintext; the resource is that key only.`,
      ],
      [
        'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        `DynamoDB re-encrypts under the data key (${keyArn}) on key rotation; CDK’s table grant includes ReEncryptFrom/To on that key only.`,
      ],
    ];
    for (const [id, reason] of findings) Validations.of(this).acknowledge({ id, reason });
  }
}

/** Every distinct handler file in the topology, with what it is used as and the union of its grants. */
export function collectHandlers(topology: Topology): Map<string, HandlerUse> {
  const uses = new Map<string, HandlerUse>();
  const add = (
    handler: string,
    kind: HandlerKind,
    spec: { readonly access?: readonly Access[] | undefined; readonly files?: readonly string[] | undefined },
  ) => {
    const use = uses.get(handler) ?? {
      kinds: new Set<HandlerKind>(),
      access: new Set<Access>(),
      files: new Set<string>(),
    };
    use.kinds.add(kind);
    for (const a of accessOf(spec)) use.access.add(a);
    for (const f of spec.files ?? []) use.files.add(f);
    uses.set(handler, use);
  };
  for (const route of topology.routes) add(route.handler, 'route', route);
  // The authorizer reads API keys and their tenants; it never writes orders or sends messages.
  if (topology.authorizer) add(topology.authorizer, 'authorizer', { access: ['table:read', 'table:write'] });
  // The pre-token trigger only reshapes the token Cognito hands it.
  const preToken = topology.identityTriggers?.preTokenGeneration;
  if (preToken) add(preToken, 'trigger', { access: [] });
  for (const consumer of topology.queueConsumers) add(consumer.handler, 'consumer', consumer);
  for (const schedule of topology.schedules) add(schedule.handler, 'schedule', schedule);
  if (topology.stream) for (const s of streamHandlers(topology.stream)) add(s.handler, 'stream', s);
  return uses;
}

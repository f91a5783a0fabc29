import { describe, expect, it } from '@jest/globals';
import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as topology from '../../../core/topology.ts';
import { GROUPS } from '../../../lib/constructs/identity.ts';
import { groupOf } from '../../../lib/handlers.ts';
import { ESM_REQUIRE_BANNER } from '../../../lib/constructs/handler-function.ts';
import { RESOURCE_ENV, checkSettings, collectHandlers } from '../../../lib/oms-app.ts';
import type { Topology } from '../../../lib/topology.ts';
import { fullTopology, logicalIdOf, publicOnlyTopology, synth } from './support.ts';

// One synthesis per topology for the whole file: synthesizing is the slow part.
const real = synth();
const full = synth({
  topology: fullTopology,
  ib: { host: 'ib-gateway.internal' },
  alarmEmail: 'ops@example.com',
  settings: { OMS_MARKET_DATA_LINES: '200', OMS_RATE_LIMIT_TENANT_PER_MINUTE: '9000' },
});

const resourcesOf = (s: typeof real, type: string) => Object.entries(s.template.findResources(type));

describe('DynamoDB table', () => {
  it('is on-demand, PITR, CMK-encrypted, TTL, deletion-protected and retained, with the topology GSIs', () => {
    const { template } = real;
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: Match.objectLike({
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: Match.anyValue(),
        }),
        TimeToLiveSpecification: { AttributeName: topology.table.ttlAttribute, Enabled: true },
        KeySchema: [
          { AttributeName: topology.table.partitionKey, KeyType: 'HASH' },
          { AttributeName: topology.table.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: topology.table.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    });
  });

  it('uses a retained customer-managed key with rotation', () => {
    real.template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true }),
    });
  });
});

describe('SQS queues', () => {
  const queues = Object.values(topology.queues);
  const all = resourcesOf(real, 'AWS::SQS::Queue');

  it('has each topology queue and its DLQ, nothing else', () => {
    expect(all).toHaveLength(queues.length * 2);
  });

  it.each(queues.map((q) => [q.name, q] as const))(
    '%s: KMS, redrive after maxReceiveCount, FIFO as declared',
    (_name, spec) => {
      const main = all.filter(
        ([, r]) =>
          r.Properties.VisibilityTimeout === spec.visibilityTimeoutSeconds &&
          r.Properties.RedrivePolicy?.maxReceiveCount === spec.maxReceiveCount &&
          Boolean(r.Properties.FifoQueue) === spec.fifo,
      );
      expect(main).toHaveLength(1);
      const [, queue] = main[0]!;
      expect(queue.Properties.KmsMasterKeyId).toBeDefined();
      const dlqId = queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string;
      const dlq = real.template.toJSON().Resources[dlqId];
      expect(dlq.Type).toBe('AWS::SQS::Queue');
      expect(dlq.Properties.KmsMasterKeyId).toBeDefined();
      expect(Boolean(dlq.Properties.FifoQueue)).toBe(spec.fifo);
      expect(dlq.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    },
  );

  it('denies non-TLS access on every queue', () => {
    const policies = resourcesOf(real, 'AWS::SQS::QueuePolicy');
    const guarded = new Set<string>();
    for (const [, p] of policies) {
      const denies = (p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>).some(
        (s) =>
          s.Effect === 'Deny' &&
          JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
      );
      if (denies) for (const q of p.Properties.Queues as Array<{ Ref: string }>) guarded.add(q.Ref);
    }
    expect([...guarded].sort()).toEqual(all.map(([id]) => id).sort());
  });
});

describe('EventBridge', () => {
  it('has the bus with an archive of the configured retention', () => {
    real.template.resourceCountIs('AWS::Events::EventBus', 1);
    real.template.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: topology.eventBus.archiveRetentionDays,
      SourceArn: Match.anyValue(),
    });
  });

  it.each(topology.rules.map((r) => [r.name, r] as const))(
    'rule %s carries the topology pattern as-is and targets its queue',
    (_n, rule) => {
      const rules = resourcesOf(real, 'AWS::Events::Rule').filter(
        ([, r]) => r.Properties.Description === rule.description,
      );
      expect(rules).toHaveLength(1);
      const [, cfn] = rules[0]!;
      expect(cfn.Properties.EventPattern).toEqual(rule.pattern);
      expect(cfn.Properties.EventBusName).toBeDefined();
      const target = cfn.Properties.Targets[0];
      const queueId = target.Arn['Fn::GetAtt'][0] as string;
      const queue = real.template.toJSON().Resources[queueId];
      expect(Boolean(queue.Properties.FifoQueue)).toBe(topology.queues[rule.target.queue].fifo);
      expect(queue.Properties.VisibilityTimeout).toBe(
        topology.queues[rule.target.queue].visibilityTimeoutSeconds,
      );
      expect(target.DeadLetterConfig).toBeDefined();
    },
  );
});

describe('HTTP API', () => {
  // The stream's WebSocket routes ($connect, $disconnect, $default) have their own tests.
  const routeKeys = (s: typeof real) =>
    resourcesOf(s, 'AWS::ApiGatewayV2::Route')
      .filter(([, r]) => !String(r.Properties.RouteKey).startsWith('$'))
      .map(([, r]) => ({
        key: r.Properties.RouteKey as string,
        authorizationType: r.Properties.AuthorizationType as string | undefined,
        authorizerId: r.Properties.AuthorizerId as unknown,
      }));

  it('has a route per topology route (real topology)', () => {
    expect(
      routeKeys(real)
        .map((r) => r.key)
        .sort(),
    ).toEqual(topology.routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it.each([
    ['real', real],
    ['full', full],
  ] as const)(
    '%s topology: the Lambda authorizer on every caller route, none on public routes',
    (_name, s) => {
      const specs = s.oms.topology.routes;
      const routes = routeKeys(s);
      expect(routes.map((r) => r.key).sort()).toEqual(specs.map((r) => `${r.method} ${r.path}`).sort());
      for (const spec of specs) {
        const route = routes.find((r) => r.key === `${spec.method} ${spec.path}`)!;
        if (spec.auth === 'caller') {
          expect(route.authorizationType).toBe('CUSTOM');
          expect(route.authorizerId).toBeDefined();
        } else {
          expect(route.authorizationType ?? 'NONE').toBe('NONE');
          expect(route.authorizerId).toBeUndefined();
        }
      }
    },
  );

  it('login, refresh, health and docs stay public in the real topology', () => {
    const publicRoutes = routeKeys(real).filter((r) => (r.authorizationType ?? 'NONE') === 'NONE');
    for (const { key } of publicRoutes)
      expect(key).toMatch(/ \/(health|api\/v1\/auth\/(login|refresh|logout)|api\/docs|api\/openapi\.json)/);
  });

  it('authorizer: Lambda, simple responses, payload 2.0, no identity source (either header may be used)', () => {
    full.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    full.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      IdentitySource: Match.absent(),
      AuthorizerResultTtlInSeconds: 0,
    });
  });

  it('without an authorizer in the topology, public routes synthesize with no authorizer at all', () => {
    const { template } = synth({ topology: publicOnlyTopology });
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    expect(Object.keys(template.findResources('AWS::ApiGatewayV2::Route'))).toHaveLength(
      publicOnlyTopology.routes.length,
    );
  });

  it('refuses to synthesize caller routes without an authorizer', () => {
    const { authorizer: _omit, ...withoutAuthorizer } = fullTopology;
    expect(() => synth({ topology: withoutAuthorizer as Topology })).toThrow(
      /topology\.authorizer is not set/,
    );
  });

  it('throttles and access-logs the default stage', () => {
    real.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({
        ThrottlingRateLimit: Match.anyValue(),
        ThrottlingBurstLimit: Match.anyValue(),
        DetailedMetricsEnabled: true,
      }),
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });
});

describe('Lambda functions', () => {
  const functionsOf = (s: typeof real) =>
    resourcesOf(s, 'AWS::Lambda::Function').filter(([, r]) => r.Properties.Runtime?.startsWith('nodejs24'));

  it('one per distinct handler file, nodejs24.x on ARM64 with source maps and the topology env', () => {
    for (const s of [real, full]) {
      const handlers = collectHandlers(s.oms.topology);
      const fns = functionsOf(s);
      expect(fns).toHaveLength(handlers.size);
      const triggers = new Set([...handlers].filter(([, use]) => use.kinds.has('trigger')).map(([h]) => h));
      for (const [, fn] of fns) {
        const isTrigger = [...triggers].some((h) => String(fn.Properties.Description).endsWith(h));
        expect(fn.Properties.Runtime).toBe('nodejs24.x');
        expect(fn.Properties.Architectures).toEqual(['arm64']);
        expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
        const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
        expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
        for (const [key, name] of Object.entries(topology.env)) {
          // Resource names are always set; tuning values fall back to the application defaults.
          // (A Cognito trigger gets none: naming its own pool would be a dependency cycle.)
          if (RESOURCE_ENV.test(key) && !isTrigger) expect(variables[name]).toBeDefined();
        }
        // The local identity provider's signing key must never reach AWS.
        expect(Object.keys(variables).some((n) => /LOCAL_IDP|LOOPBACK/.test(n))).toBe(false);
        expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
      }
    }
    // Every function is a NodejsFunction in the real deployment too, bundled ESM with the require banner.
    for (const fn of full.oms.functions.values()) expect(fn.fn.runtime.name).toBe('nodejs24.x');
    expect(ESM_REQUIRE_BANNER).toMatch(/createRequire/);
  });

  it('log groups have a retention', () => {
    for (const [, lg] of resourcesOf(full, 'AWS::Logs::LogGroup'))
      expect(lg.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('grants exactly what each handler declares', () => {
    const policyOf = (handler: string) => {
      const fn = full.oms.functions.get(handler)!;
      const roleId = logicalIdOf(fn.role);
      const policies = resourcesOf(full, 'AWS::IAM::Policy').filter(([, p]) =>
        (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId),
      );
      return JSON.stringify(policies.map(([, p]) => p.Properties.PolicyDocument));
    };
    const reader = policyOf('test/unit/cdk/fixtures/read.ts');
    expect(reader).toContain('dynamodb:GetItem');
    expect(reader).not.toContain('dynamodb:PutItem');
    expect(reader).not.toContain('sqs:SendMessage');
    const creator = policyOf('test/unit/cdk/fixtures/handler.ts');
    expect(creator).toContain('dynamodb:PutItem');
    expect(creator).toContain('sqs:SendMessage');
    expect(creator).not.toContain('events:PutEvents');
    expect(creator).not.toContain('cognito-idp');
    const tenants = policyOf('test/unit/cdk/fixtures/tenants.ts');
    expect(tenants).toContain('cognito-idp:AdminCreateUser');
    expect(tenants).not.toContain('dynamodb:GetItem');
    expect(policyOf('test/unit/cdk/fixtures/expire.ts')).toContain('events:PutEvents');
    // No function role falls back to the account-wide managed logging policy.
    for (const fn of full.oms.functions.values()) {
      const role = full.template.toJSON().Resources[logicalIdOf(fn.role)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('queue consumers are SQS event sources with partial batch responses', () => {
    full.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: Match.anyValue(),
    });
    real.template.resourceCountIs('AWS::Lambda::EventSourceMapping', topology.queueConsumers.length);
  });

  it('schedules are EventBridge Scheduler rates', () => {
    full.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
    });
  });
});

describe('Cognito', () => {
  it('user pool: immutable tenant attribute, strong passwords, Plus threat protection, retained', () => {
    real.template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        Schema: Match.arrayWith([
          Match.objectLike({ Name: 'tenant', Mutable: false, AttributeDataType: 'String' }),
        ]),
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      }),
    });
  });

  it('a pre-token-generation trigger (V2) puts the tenant into access tokens', () => {
    const pool = resourcesOf(real, 'AWS::Cognito::UserPool')[0]?.[1];
    const config = pool?.Properties.LambdaConfig.PreTokenGenerationConfig;
    expect(config.LambdaVersion).toBe('V2_0');
    const trigger = real.oms.functions.get(topology.identityTriggers.preTokenGeneration);
    expect(trigger).toBeDefined();
    expect(config.LambdaArn).toEqual({
      'Fn::GetAtt': [logicalIdOf(trigger!.fn), 'Arn'],
    });
  });

  it('has the admin, trader, viewer and operator groups', () => {
    const groups = resourcesOf(real, 'AWS::Cognito::UserPoolGroup').map(
      ([, g]) => g.Properties.GroupName as string,
    );
    expect(groups.sort()).toEqual([...GROUPS].sort());
  });

  it('app client: USER_PASSWORD_AUTH and refresh tokens, no secret', () => {
    real.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      GenerateSecret: false,
      EnableTokenRevocation: true,
    });
  });
});

describe('IB bridge on Fargate', () => {
  it('one task, never two at once, private subnets, ARM64, health-checked', () => {
    real.template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 1,
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 0, MaximumPercent: 100 }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
    real.template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [
        Match.objectLike({
          HealthCheck: Match.objectLike({
            Command: Match.arrayWith([Match.stringLikeRegexp('8080/health')]),
          }),
        }),
      ],
    });
    const [, task] = resourcesOf(real, 'AWS::ECS::TaskDefinition')[0]!;
    const names = (task.Properties.ContainerDefinitions[0].Environment as Array<{ Name: string }>).map(
      (e) => e.Name,
    );
    expect(names).toEqual(
      expect.arrayContaining([
        'IB_HOST',
        'IB_PORT',
        'IB_CLIENT_ID',
        'IB_ACCOUNT',
        topology.env.tableName,
        topology.env.ordersQueueUrl,
        topology.env.eventBusName,
      ]),
    );
    real.template.resourceCountIs('AWS::EC2::NatGateway', 1);
    real.template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('operator settings reach the bridge and every function; unknown or bad ones fail synth', () => {
    const [, task] = resourcesOf(full, 'AWS::ECS::TaskDefinition')[0]!;
    const environment = task.Properties.ContainerDefinitions[0].Environment as Array<{
      Name: string;
      Value: unknown;
    }>;
    expect(environment).toEqual(
      expect.arrayContaining([
        { Name: 'OMS_MARKET_DATA_LINES', Value: '200' },
        { Name: 'OMS_RATE_LIMIT_TENANT_PER_MINUTE', Value: '9000' },
      ]),
    );
    const functions = resourcesOf(full, 'AWS::Lambda::Function').filter(
      ([, f]) => f.Properties.Environment?.Variables?.[topology.env.tableName],
    );
    expect(functions.length).toBeGreaterThan(10);
    for (const [, f] of functions)
      expect(f.Properties.Environment.Variables).toMatchObject({ OMS_MARKET_DATA_LINES: '200' });
    expect(() => checkSettings({ OMS_MARKET_DATA_LINEZ: '200' })).toThrow(
      /unknown settings OMS_MARKET_DATA_LINEZ/,
    );
    expect(() => checkSettings({ OMS_MARKET_DATA_STALE_MS: 'soon' })).toThrow(/OMS_MARKET_DATA_STALE_MS/);
    expect(() => checkSettings({ OMS_RATE_LIMIT_API_KEY_PER_MINUTE: '0' })).toThrow(/positive whole number/);
    expect(() => checkSettings({ OMS_MARKET_DATA_TYPE: 'delayed' })).not.toThrow();
  });

  it('IB gateway settings are stack parameters, defaulted from context', () => {
    const params = full.template.toJSON().Parameters;
    expect(params.IbHost.Default).toBe('ib-gateway.internal');
    expect(params.IbPort.Default).toBe('4002');
    expect(real.template.toJSON().Parameters.IbHost.Default).toBeUndefined();
  });

  it('task role may use the table, consume the orders queue and put events', () => {
    const taskRoleId = logicalIdOf(real.oms.bridge.taskDefinition.taskRole);
    const policies = resourcesOf(real, 'AWS::IAM::Policy').filter(([, p]) =>
      (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === taskRoleId),
    );
    const doc = JSON.stringify(policies.map(([, p]) => p.Properties.PolicyDocument));
    expect(doc).toContain('dynamodb:PutItem');
    expect(doc).toContain('sqs:ReceiveMessage');
    expect(doc).toContain('sqs:DeleteMessage');
    expect(doc).toContain('events:PutEvents');
  });
});

describe('observability', () => {
  it('dashboard covers API, Lambda, queues and DLQs, DynamoDB and the bridge', () => {
    const [, dashboard] = resourcesOf(real, 'AWS::CloudWatch::Dashboard')[0]!;
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of [
      '4xx',
      '5xx',
      'Latency',
      'Errors',
      'Throttles',
      'Duration',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateAgeOfOldestMessage',
      'ReadThrottleEvents',
      'WriteThrottleEvents',
      'CPUUtilization',
      'MemoryUtilization',
    ]) {
      expect(body).toContain(metric);
    }
  });

  it('alarms on every DLQ, notifying an encrypted topic', () => {
    // The DLQ alarms; the OMS metric alarms (per connection, queue age, API, webhooks) are checked below.
    const alarms = resourcesOf(real, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) => a.Properties.Namespace === 'AWS/SQS' && /Dlq/.test(JSON.stringify(a.Properties.Dimensions)),
    );
    expect(alarms).toHaveLength(Object.keys(topology.queues).length);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.MetricName).toBe('ApproximateNumberOfMessagesVisible');
      expect(alarm.Properties.Threshold).toBe(1);
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
    }
    for (const metricName of [
      'oms_bridge_connected',
      'oms_reconciliation_mismatches_total',
      'oms_pacing_errors_total',
      'ApproximateAgeOfOldestMessage',
      '5xx',
      'Latency',
    ])
      real.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        AlarmActions: Match.anyValue(),
      });
    real.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    full.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('tags everything with the project', () => {
    real.template.hasResourceProperties('AWS::DynamoDB::Table', {
      Tags: Match.arrayWith([{ Key: 'project', Value: 'ib-oms' }]),
    });
  });
});

describe('stacks', () => {
  // CloudFormation refuses a stack of more than 500 resources; a route costs about 8.
  const LIMIT = 400;

  it.each([
    ['real', real],
    ['full', full],
  ] as const)('%s topology: every stack holds at most 400 resources', (_name, s) => {
    const counts = [...s.templates].map(
      ([name, template]) => [name, Object.keys(template.toJSON().Resources ?? {}).length] as const,
    );
    expect(counts.length).toBeGreaterThanOrEqual(7);
    for (const [name, count] of counts) {
      expect({ name, count, fits: count <= LIMIT }).toEqual({ name, count, fits: true });
    }
  });

  it('references point one way: each stack depends only on stacks deployed before it', () => {
    for (const s of [real, full]) {
      const order = s.oms.stacks;
      order.forEach((stack, index) => {
        for (const dependency of stack.dependencies)
          expect(order.indexOf(dependency as never)).toBeLessThan(index);
      });
      expect(s.oms.dataStack.dependencies).toEqual([]);
      expect(s.oms.identityStack.dependencies).toEqual([]);
    }
  });

  it('each route, with its function, lives in the stack of its function group; the API stack holds none', () => {
    const routeStack = new Map<string, string>();
    for (const [name, template] of real.templates) {
      for (const route of Object.values(template.findResources('AWS::ApiGatewayV2::Route')))
        routeStack.set(route.Properties.RouteKey as string, name);
    }
    expect(
      real.templates.get(real.oms.apiStack.stackName)!.findResources('AWS::ApiGatewayV2::Route'),
    ).toEqual({});
    for (const route of topology.routes) {
      const fn = real.oms.functions.get(route.handler)!;
      expect(routeStack.get(`${route.method} ${route.path}`)).toBe(Stack.of(fn).stackName);
      expect(Stack.of(fn).stackName).toBe(`Oms-Api${groupOf(route.handler)}`);
    }
  });
});

describe('web console', () => {
  it('CloudFront sends /api/* and /health/* to the HTTP API uncached, and everything else to the bucket', () => {
    const template = real.templates.get(real.oms.consoleStack.stackName)!;
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const config = distribution!.Properties.DistributionConfig as {
      DefaultCacheBehavior: { TargetOriginId: string };
      CacheBehaviors: Array<{ PathPattern: string; TargetOriginId: string; CachePolicyId: string }>;
    };
    const behaviors = config.CacheBehaviors;
    expect(behaviors.map((b) => b.PathPattern)).toEqual(['/api/*', '/health/*']);
    // One origin for both: the API's; the default behavior keeps the bucket.
    expect(new Set(behaviors.map((b) => b.TargetOriginId)).size).toBe(1);
    expect(behaviors[0]!.TargetOriginId).not.toBe(config.DefaultCacheBehavior.TargetOriginId);
    // AWS's managed CachingDisabled policy.
    for (const b of behaviors) expect(b.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
  });
});

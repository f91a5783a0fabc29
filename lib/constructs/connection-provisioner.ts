import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { connectionProvisioning, connectionQueuePrefix } from '../../core/topology.ts';
import { projectRoot } from '../topology.ts';
import { BRIDGE_HEALTH_PORT, type BridgeNetwork } from './bridge.ts';
import { CONNECTION_ALARM_PREFIX } from './connection-alarms.ts';
import { provisioningStates } from './connection-states.ts';
import {
  bridgeTaskDefinition,
  CONNECTION_NAMES,
  managedGatewayContainer,
  nagName,
} from './connection-task.ts';

export { CONNECTION_NAMES };

export interface ConnectionProvisionerProps {
  readonly network: BridgeNetwork;
  readonly table: dynamodb.ITable;
  readonly key: kms.IKey;
  readonly bus: events.IEventBus;
  /** Resource names and settings every bridge gets (the topology's env var names). */
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  /** The SNS topic the alarms of each connection created at run time notify. */
  readonly alarmTopicArn: string;
  /** The ib-gateway image run beside a `managed` connection's bridge. */
  readonly gatewayImage?: string;
}

/**
 * The control plane of broker connections, made of AWS's own engines: an EventBridge rule sends
 * connection.created / connection.deleted to a Step Functions state machine that calls the AWS
 * APIs directly (no Lambda code): the connection's FIFO queue and DLQ, a task role of its own
 * created under a permissions boundary (so the bridge reads only its own queue and secret), a task
 * definition and an ECS service with one task (max 100 % / min 0 %: never two at once). ECS
 * replaces a dead bridge; the lease in the table keeps a straggler from working the connection.
 */
export class ConnectionProvisioner extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly boundary: iam.ManagedPolicy;
  readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: ConnectionProvisionerProps) {
    super(scope, id);
    const { region, account } = Stack.of(this);
    const arn = (service: string, resource: string) =>
      `arn:${Aws.PARTITION}:${service}:${region}:${account}:${resource}`;
    const queueArns = arn('sqs', `${connectionQueuePrefix}*`);
    const secretArns = arn('secretsmanager', `secret:${CONNECTION_NAMES.secret}*`);
    const roleArns = `arn:${Aws.PARTITION}:iam::${account}:role/${CONNECTION_NAMES.role}*`;
    const serviceArns = arn(
      'ecs',
      `service/${props.network.cluster.clusterName}/${CONNECTION_NAMES.service}*`,
    );
    const alarmArns = arn('cloudwatch', `alarm:${CONNECTION_ALARM_PREFIX}*`);

    // The most any bridge role may ever do, whatever the state machine puts into it.
    this.boundary = new iam.ManagedPolicy(this, 'BridgeBoundary', {
      description: 'Permissions boundary of every connection bridge task role',
      statements: [
        new iam.PolicyStatement({
          actions: [
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
            'dynamodb:Query',
            'dynamodb:BatchGetItem',
            'dynamodb:BatchWriteItem',
            'dynamodb:ConditionCheckItem',
            'dynamodb:DescribeTable',
          ],
          resources: [props.table.tableArn, `${props.table.tableArn}/index/*`],
        }),
        new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [props.bus.eventBusArn] }),
        new iam.PolicyStatement({
          actions: [
            'sqs:ReceiveMessage',
            'sqs:DeleteMessage',
            'sqs:ChangeMessageVisibility',
            'sqs:GetQueueUrl',
            'sqs:GetQueueAttributes',
          ],
          resources: [queueArns],
        }),
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArns] }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [props.key.keyArn],
        }),
      ],
    });

    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Pulls the bridge image and writes its logs, for every connection bridge',
    });
    const image = new DockerImageAsset(this, 'BridgeImage', {
      directory: projectRoot,
      file: 'ib-bridge/Dockerfile',
      platform: Platform.LINUX_ARM64,
    });
    image.repository.grantPull(this.executionRole);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logGroup.grantWrite(this.executionRole);
    // A managed gateway's login comes from the connection's secret, injected by ECS at start.
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArns] }),
    );

    const securityGroup = new ec2.SecurityGroup(this, 'BridgeSecurityGroup', {
      vpc: props.network.vpc,
      description: 'Connection bridges: no inbound; outbound to IB gateways and AWS APIs',
      allowAllOutbound: true,
    });
    const subnets = props.network.vpc.selectSubnets({
      subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
    }).subnetIds;

    const definition = provisioningStates(this, {
      arn,
      queueArns,
      roleArns,
      serviceArns,
      boundaryArn: this.boundary.managedPolicyArn,
      table: props.table,
      key: props.key,
      bus: props.bus,
      cluster: props.network.cluster,
      subnets,
      securityGroupId: securityGroup.securityGroupId,
      alarmTopicArn: props.alarmTopicArn,
      alarmArns,
      task: (withGateway) =>
        bridgeTaskDefinition({
          image: image.imageUri,
          executionRoleArn: this.executionRole.roleArn,
          logGroup: logGroup.logGroupName,
          region,
          environment: props.environment,
          healthPort: BRIDGE_HEALTH_PORT,
          ...(withGateway
            ? {
                sidecar: managedGatewayContainer(
                  props.gatewayImage ?? 'ghcr.io/gnzsnz/ib-gateway:stable',
                  logGroup.logGroupName,
                  region,
                ),
              }
            : {}),
        }),
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.minutes(10),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'ProvisionerLogs', {
          retention: props.logRetention,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: sfn.LogLevel.ALL,
      },
    });
    // Passing the bridge roles (and the shared execution role) to ECS, and nothing else.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [roleArns, this.executionRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
    // A role it creates must carry the boundary, so the state machine cannot mint a broader one.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
        resources: [roleArns],
        conditions: { StringNotEquals: { 'iam:PermissionsBoundary': this.boundary.managedPolicyArn } },
      }),
    );
    props.key.grant(this.stateMachine, 'kms:DescribeKey', 'kms:Decrypt');

    new events.Rule(this, 'Rule', {
      ruleName: connectionProvisioning.rule,
      description: connectionProvisioning.description,
      eventBus: props.bus,
      eventPattern: {
        source: [...connectionProvisioning.pattern.source],
        detailType: [...connectionProvisioning.pattern['detail-type']],
      },
      targets: [new targets.SfnStateMachine(this.stateMachine)],
    });

    this.#acknowledge(roleArns, queueArns, secretArns, serviceArns, alarmArns);
  }

  #acknowledge(
    roleArns: string,
    queueArns: string,
    secretArns: string,
    serviceArns: string,
    alarmArns: string,
  ): void {
    const resolved = (value: string) => nagName(Stack.of(this).resolve(value));
    const reasons: Array<[string, string]> = [
      [
        `Resource::${resolved(serviceArns)}`,
        'The state machine creates, scales and deletes only the per-connection bridge services (bridge-<connection>) of this cluster, created at run time.',
      ],
      [
        `Resource::${resolved(roleArns)}`,
        'The state machine creates, passes and deletes only the per-connection bridge roles (oms-bridge-<connection>); every role it creates must carry the bridge permissions boundary (an explicit deny otherwise).',
      ],
      [
        `Resource::${resolved(queueArns)}`,
        'Connection queues are created at run time, one per connection (oms-orders-c<id>.fifo); the prefix is the narrowest name known at synth. Each bridge role itself is limited to its own queue.',
      ],
      [
        `Resource::${resolved(secretArns)}`,
        'Connection secrets are created per connection under oms/connections/; ECS injects a managed gateway’s login at task start. Each bridge role itself is limited to its own secret.',
      ],
      [
        `Resource::${resolved(alarmArns)}`,
        'The state machine puts and deletes only the alarms of connections created at run time, all named oms-connection-<connection>-<alarm>; the connection ids are not known at synth.',
      ],
      [
        'Resource::*',
        'ecs:RegisterTaskDefinition does not support resource-level permissions; X-Ray and log delivery actions of Step Functions do not either.',
      ],
    ];
    for (const [finding, reason] of reasons) {
      Validations.of(this).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
  }
}
